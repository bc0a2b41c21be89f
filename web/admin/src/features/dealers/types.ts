// Shapes of the dealers API as the console reads them.
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type RewardMode = 'price_difference' | 'rebate';
export type RestockStatus = 'awaiting_payment' | 'paid' | 'cancelled';

// answers typed from /openapi.json
export type DealerTier = ItemOf<ResponseOf<'/api/admin/dealer-tiers'>>;
export type TierPrice = ItemOf<ResponseOf<'/api/admin/dealer-tiers/{id}/prices'>>;
export type Dealer = ItemOf<ResponseOf<'/api/admin/dealers'>>;
export type { MyStockRow as StockRow } from '../../../../shared/types';
export type RestockCatalogRow = ItemOf<ResponseOf<'/api/dealer/restock-catalog'>>;
export type Restock = ItemOf<ResponseOf<'/api/dealer/restocks'>>;
export type { DealerProfile } from '../../../../shared/types';
export type DealerSale = ItemOf<ResponseOf<'/api/dealer/sales'>>;
