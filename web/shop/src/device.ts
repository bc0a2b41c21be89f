// The device id the shop sends with every API call (x-device-id): made once, at random, and kept in
// localStorage, so the server's risk checks can tell that two accounts are used on one device. It
// names nothing about the device; private mode keeps it for the page's life.

const DEVICE_KEY = 'fx_device_id';
let inMemory: string | null = null;

function randomDeviceId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `d${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function deviceId(): string {
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
      id = randomDeviceId();
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    inMemory ??= randomDeviceId();
    return inMemory;
  }
}
