// Shapes of the 拼团 API as the console reads them (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type GroupBuyOffer = ItemOf<ResponseOf<'/api/admin/group-buys'>>;
export type OfferGroup = ItemOf<ResponseOf<'/api/admin/group-buys/{id}/groups'>>;
export type GroupStatus = OfferGroup['status'];
export type GroupMember = OfferGroup['members'][number];
export type AdminProduct = ItemOf<ResponseOf<'/api/admin/products'>>;
