// Share-link state kept on the device: a random visitor key and the invite code the visitor came by.

const VISITOR_KEY = 'fx_visitor_key';
const INVITE_KEY = 'fx_invite_code';

function randomVisitorKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `v${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function visitorKey(): string {
  try {
    let key = localStorage.getItem(VISITOR_KEY);
    if (!key || key.length < 8 || key.length > 64) {
      key = randomVisitorKey();
      localStorage.setItem(VISITOR_KEY, key);
    }
    return key;
  } catch {
    return randomVisitorKey();
  }
}

export function storedInviteCode(): string | null {
  try {
    return localStorage.getItem(INVITE_KEY);
  } catch {
    return null;
  }
}

export function storeInviteCode(code: string | null): void {
  try {
    if (code) localStorage.setItem(INVITE_KEY, code.toUpperCase());
    else localStorage.removeItem(INVITE_KEY);
  } catch {
    /* ignore */
  }
}
