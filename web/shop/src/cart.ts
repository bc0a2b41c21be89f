// The cart lives in localStorage; components read it with useCart() and stay in sync across tabs.
import { useSyncExternalStore } from 'react';

export interface CartItem {
  skuId: number;
  productId: number;
  title: string;
  skuName: string;
  /** the price when added; checkout re-prices from the server */
  priceFen: number;
  quantity: number;
  imageUrl: string | null;
  checked: boolean;
}

const KEY = 'fx_cart';
const listeners = new Set<() => void>();
let cache: CartItem[] | null = null;

function read(): CartItem[] {
  if (cache) return cache;
  try {
    const raw = localStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : [];
    cache = Array.isArray(parsed)
      ? (parsed as CartItem[]).filter((i) => Number.isInteger(i?.skuId) && Number.isInteger(i?.quantity) && i.quantity > 0)
      : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(items: CartItem[]): void {
  cache = items;
  try {
    localStorage.setItem(KEY, JSON.stringify(items));
  } catch {
    /* storage full or unavailable: the cart lives for this page only */
  }
  listeners.forEach((l) => l());
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) {
      cache = null;
      listeners.forEach((l) => l());
    }
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const cart = {
  items: read,
  add(item: Omit<CartItem, 'checked'>): void {
    const items = read();
    const existing = items.find((i) => i.skuId === item.skuId);
    if (existing) write(items.map((i) => (i.skuId === item.skuId ? { ...i, ...item, quantity: Math.min(999, i.quantity + item.quantity), checked: true } : i)));
    else write([{ ...item, checked: true }, ...items]);
  },
  setQuantity(skuId: number, quantity: number): void {
    write(read().map((i) => (i.skuId === skuId ? { ...i, quantity: Math.max(1, Math.min(999, quantity)) } : i)));
  },
  setChecked(skuId: number, checked: boolean): void {
    write(read().map((i) => (i.skuId === skuId ? { ...i, checked } : i)));
  },
  setAllChecked(checked: boolean): void {
    write(read().map((i) => ({ ...i, checked })));
  },
  remove(skuIds: number[]): void {
    write(read().filter((i) => !skuIds.includes(i.skuId)));
  },
  clear(): void {
    write([]);
  },
};

export function useCart(): CartItem[] {
  return useSyncExternalStore(subscribe, read, read);
}

export function cartCount(items: CartItem[]): number {
  return items.reduce((n, i) => n + i.quantity, 0);
}

/** Checkout items in a URL: "8x1,9x2". */
export function encodeItems(items: Array<{ skuId: number; quantity: number }>): string {
  return items.map((i) => `${i.skuId}x${i.quantity}`).join(',');
}

export function decodeItems(text: string | null): Array<{ skuId: number; quantity: number }> {
  if (!text) return [];
  const out: Array<{ skuId: number; quantity: number }> = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)x(\d+)$/.exec(part.trim());
    if (m) out.push({ skuId: Number(m[1]), quantity: Math.max(1, Math.min(999, Number(m[2]))) });
  }
  return out;
}
