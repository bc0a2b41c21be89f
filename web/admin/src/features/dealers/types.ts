// Shapes of the dealers API as the console reads them.
import type { DealerProfile } from '../../../../shared/types';
export type RewardMode = 'price_difference' | 'rebate';
export type RestockStatus = 'awaiting_payment' | 'paid' | 'cancelled';

export interface DealerTier {
  id: number;
  name: string;
  discountBp: number;
  rewardMode: RewardMode;
  rebateBp: number;
  skuPriceCount: number;
  dealerCount: number;
}

export interface TierPrice {
  skuId: number;
  title: string;
  skuName: string;
  retailFen: number;
  priceFen: number;
}

export interface Dealer {
  id: number;
  memberId: number;
  nickname: string;
  phone: string;
  shopName: string;
  tierId: number;
  tierName: string;
  upperDealerId: number | null;
  upperShopName: string | null;
  status: 'active' | 'suspended';
  stockUnits: number;
  createdAt: string;
}

export interface StockRow {
  skuId: number;
  productId: number;
  title: string;
  skuName: string;
  retailFen: number;
  dealerPriceFen: number;
  quantity: number;
}

export interface RestockCatalogRow {
  skuId: number;
  title: string;
  skuName: string;
  retailFen: number;
  dealerPriceFen: number;
  onHand: number;
  sourceOnHand: number | null;
}

export interface Restock {
  id: number;
  restockNo: string;
  dealerId: number;
  shopName: string;
  sourceDealerId: number | null;
  sourceShopName: string | null;
  status: RestockStatus;
  amountFen: number;
  upperCostFen: number;
  upperRewardFen: number;
  paymentRef: string | null;
  createdAt: string;
  paidAt: string | null;
  lines: Array<{ skuId: number; title: string; skuName: string; quantity: number; unitPriceFen: number; sourceUnitPriceFen: number | null }>;
}

export interface DealerSale {
  orderId: number;
  orderNo: string;
  orderStatus: string;
  stockStatus: 'reserved' | 'paid' | 'returned';
  paidFen: number;
  refundedFen: number;
  summary: string;
  earnedFen: number;
  commissionFen: number;
  createdAt: string;
}

export type { DealerProfile };
