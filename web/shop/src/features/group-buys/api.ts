// The 拼团 API as the shop calls it (answers typed from /openapi.json), and the links it makes.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import { request } from '../../api';
import { encodeCampaign } from '../../campaign';
import { encodeItems } from '../../cart';

export type GroupBuyOffer = ItemOf<ResponseOf<'/api/group-buys'>>;
export type GroupBuyOfferDetail = ResponseOf<'/api/group-buys/{id}'>;
export type OpenGroup = GroupBuyOfferDetail['openGroups'][number];
export type GroupDetail = ResponseOf<'/api/group-buy-groups/{id}'>;
export type MyGroup = ItemOf<ResponseOf<'/api/me/group-buys'>>;
export type GroupStatus = GroupDetail['status'];

export const groupBuysApi = {
  running: (productId?: number) => request<{ items: GroupBuyOffer[] }>('/api/group-buys', { query: productId ? { productId, limit: 1 } : { limit: 10 } }),
  offer: (id: number) => request<GroupBuyOfferDetail>(`/api/group-buys/${id}`),
  group: (id: number) => request<GroupDetail>(`/api/group-buy-groups/${id}`),
  mine: (limit: number, offset: number) => request<{ items: MyGroup[] }>('/api/me/group-buys', { query: { limit, offset } }),
};

/** The checkout of one unit of a SKU in the offer, with the campaign the checkout page carries (campaign=group_buy:<offerId>[:<groupId>]): none opens a group. */
export function groupCheckoutPath(skuId: number, offerId: number, groupId?: number): string {
  return `/checkout?items=${encodeItems([{ skuId, quantity: 1 }])}&campaign=${encodeCampaign({ kind: 'group_buy', id: offerId, groupId })}`;
}

/** The share link: the group with its opener's invite code, so a friend who registers through it is bound to the opener like any share. */
export function groupShareUrl(groupId: number, openerInviteCode: string): string {
  return `${window.location.origin}/group/${groupId}?invite=${encodeURIComponent(openerInviteCode)}`;
}
