// Shapes of the bargains API as the console reads them (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type BargainOffer = ItemOf<ResponseOf<'/api/admin/bargain-offers'>>;
export type OfferBargain = ItemOf<ResponseOf<'/api/admin/bargain-offers/{id}/bargains'>>;
export type BargainStatus = OfferBargain['status'];
export type AdminProduct = ItemOf<ResponseOf<'/api/admin/products'>>;
