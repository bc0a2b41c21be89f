// Shapes of the flash-sale API as the console reads them (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type FlashSale = ResponseOf<'/api/admin/flash-sales/{id}'>;
export type FlashSaleItem = FlashSale['items'][number];
export type AdminProduct = ItemOf<ResponseOf<'/api/admin/products'>>;
export type CommissionMode = FlashSaleItem['commissionMode'];
