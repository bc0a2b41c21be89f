// The flash-sale API as the shop calls it (answers typed from /openapi.json), the checkout link it
// makes, and a countdown on the server's clock.
import { useEffect, useState } from 'react';
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import { request } from '../../api';
import { encodeItems } from '../../cart';
import { encodeCampaign } from '../../campaign';

export type FlashSales = ResponseOf<'/api/flash-sales'>;
export type FlashSale = ItemOf<FlashSales>;
export type FlashSaleItem = FlashSale['items'][number];

export const flashSalesApi = {
  open: (productId?: number) => request<FlashSales>('/api/flash-sales', { query: productId ? { productId, limit: 5 } : { limit: 10 } }),
};

/** Checkout of a campaign's SKU: the checkout page sends the campaign with the quote and the order. */
export function flashCheckoutPath(saleId: number, skuId: number, quantity: number): string {
  return `/checkout?items=${encodeItems([{ skuId, quantity }])}&campaign=${encodeCampaign({ kind: 'flash_sale', id: saleId })}`;
}

/** Milliseconds the server's clock is ahead of this device's (the answer's `now`), so countdowns agree with it. */
export function serverOffsetMs(serverNow: string | undefined): number {
  return serverNow ? new Date(serverNow).getTime() - Date.now() : 0;
}

/** Seconds left until `until` on the server's clock, ticking each second; 0 once past. */
export function useSecondsLeft(until: string | null, offsetMs: number): number {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return until ? Math.max(0, Math.floor((new Date(until).getTime() - (nowMs + offsetMs)) / 1000)) : 0;
}

/** hh:mm:ss (days in front past a day). */
export function clockText(seconds: number, dayUnit: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}${dayUnit} ${hms}` : hms;
}
