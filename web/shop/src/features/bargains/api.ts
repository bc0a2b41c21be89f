// The bargains API as the shop calls it (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import { request } from '../../api';
import { encodeCampaign } from '../../campaign';
import { encodeItems } from '../../cart';

export type BargainOffer = ItemOf<ResponseOf<'/api/bargain-offers'>>;
export type BargainProgress = ResponseOf<'/api/bargains/{id}'>;
export type MyBargain = ItemOf<ResponseOf<'/api/me/bargains'>>;
export type HelpResult = ResponseOf<'/api/bargains/{id}/help', 'post'>;

export const bargainsApi = {
  running: (productId?: number) => request<{ items: BargainOffer[] }>('/api/bargain-offers', { query: productId ? { productId, limit: 10 } : { limit: 10 } }),
  progress: (id: number) => request<BargainProgress>(`/api/bargains/${id}`),
  mine: (limit: number, offset: number) => request<{ items: MyBargain[] }>('/api/me/bargains', { query: { limit, offset } }),
  start: (offerId: number) => request<BargainProgress>('/api/bargains', { method: 'POST', body: { offerId } }),
  help: (id: number) => request<HelpResult>(`/api/bargains/${id}/help`, { method: 'POST' }),
};

/** The checkout of a bargain: its SKU alone, quantity 1, with the campaign the checkout page carries (campaign=bargain:<id>). */
export function bargainCheckoutPath(b: { id: number; skuId: number }): string {
  return `/checkout?items=${encodeItems([{ skuId: b.skuId, quantity: 1 }])}&campaign=${encodeCampaign({ kind: 'bargain', id: b.id })}`;
}

/** The share link: the bargain with the starter's invite code, so a friend who registers through it is bound like any share. */
export function bargainShareUrl(bargainId: number, inviteCode: string): string {
  return `${window.location.origin}/bargain/${bargainId}?invite=${encodeURIComponent(inviteCode)}`;
}
