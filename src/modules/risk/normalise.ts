// Signals as the identity graph keeps them: each value normalised (so 广东省深圳市 ＮＯ.８号 and
// 广东省 深圳市 no8号 are one address), hashed (the table never holds the value itself) and labelled
// for the console, masked. Pure functions; signals.ts writes them.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { maskAccountNo, maskPhone } from '../../privacy.js';
import type { SignalKind } from './tables.js';

/** Sharing one of these links two members (they are taken for one person). */
export const STRONG_KINDS: readonly SignalKind[] = ['unionid', 'device', 'payout', 'address'];
/** These only count toward rules and show in the graph. */
export const WEAK_KINDS: readonly SignalKind[] = ['phone', 'ip'];
export const SIGNAL_KINDS: readonly SignalKind[] = [...STRONG_KINDS, ...WEAK_KINDS];

export interface Signal {
  kind: SignalKind;
  valueHash: string;
  label: string;
}

export function isStrong(kind: SignalKind): boolean {
  return STRONG_KINDS.includes(kind);
}

function signal(kind: SignalKind, value: string, label: string): Signal {
  return { kind, valueHash: createHash('sha256').update(`${kind}:${value}`).digest('hex'), label };
}

/** What the shop sends in x-device-id: a random id it made once and keeps (letters, digits, - and _). */
export const DEVICE_ID = /^[A-Za-z0-9_-]{16,128}$/;

export function deviceSignal(deviceId: string): Signal | null {
  if (!DEVICE_ID.test(deviceId)) return null;
  const s = signal('device', deviceId, '');
  return { ...s, label: `设备 ${s.valueHash.slice(0, 8)}` };
}

/** The request's network: IPv4 /24, IPv6 /48 (an IPv4-mapped IPv6 address is its IPv4 one). */
export function subnetOf(ip: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return null;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/48`;
}

export function ipSignal(ip: string): Signal | null {
  const subnet = subnetOf(ip);
  return subnet ? signal('ip', subnet, subnet) : null;
}

/** Digits of a mainland mobile number (+86 and separators dropped); null when it is none. */
export function phoneDigits(phone: string): string | null {
  const digits = phone.normalize('NFKC').replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return digits.length >= 5 ? digits : null;
}

export function phoneSignal(phone: string): Signal | null {
  const digits = phoneDigits(phone);
  return digits ? signal('phone', digits, maskPhone(digits)) : null;
}

/** Full-width to half-width, lower case, no spaces or punctuation. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

export interface AddressParts {
  province: string;
  city: string;
  district: string;
  detail: string;
  phone: string;
}

/** A shipping address with its consignee's phone: the same place and the same phone (the name may differ). */
export function addressSignal(address: AddressParts): Signal | null {
  const digits = phoneDigits(address.phone);
  const place = normaliseText(`${address.province}${address.city}${address.district}${address.detail}`);
  if (!digits || place.length < 4) return null;
  return signal('address', `${place}|${digits}`, `${address.province}${address.city}${address.district} · ${maskPhone(digits)}`);
}

/** The account a withdrawal pays into; a WeChat one pays the member's own openid (the unionid signal stands for it). */
export function payoutSignal(channel: string, destination: Record<string, string>): Signal | null {
  if (channel === 'alipay' && destination.account) {
    const account = destination.account.normalize('NFKC').toLowerCase().replace(/\s/g, '');
    if (!account) return null;
    const label = account.includes('@') ? `${account.slice(0, 2)}***${account.slice(account.indexOf('@'))}` : maskPhone(account);
    return signal('payout', `alipay:${account}`, `支付宝 ${label}`);
  }
  if (channel === 'bank' && destination.accountNo) {
    const number = destination.accountNo.normalize('NFKC').replace(/\D/g, '');
    return number.length >= 8 ? signal('payout', `bank:${number}`, `银行卡 ${maskAccountNo(number)}`) : null;
  }
  return null;
}

export function unionidSignal(unionid: string): Signal {
  return signal('unionid', unionid, `unionid …${unionid.slice(-4)}`);
}
