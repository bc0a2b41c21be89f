// Personal data (phones, names, account numbers) is masked wherever a role does not need it whole.

/** A member who signed in by WeChat may have no phone yet: that shows as an empty string. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function maskAccountNo(accountNo: string): string {
  if (accountNo.length <= 4) return '*'.repeat(accountNo.length);
  return `${'*'.repeat(Math.min(accountNo.length - 4, 8))}${accountNo.slice(-4)}`;
}
