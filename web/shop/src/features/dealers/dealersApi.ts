// The dealers API as the shop uses it.
import { request } from '../../api';

export interface DealerShop {
  id: number;
  shopName: string;
  products: Array<{ productId: number; title: string; description: string; imageUrl: string | null; minPriceFen: number; skus: Array<{ skuId: number; name: string; priceFen: number; stock: number }> }>;
}

export interface MyDealerShop {
  id: number;
  shopName: string;
  tierName: string;
  upperShopName: string | null;
  status: string;
  earnings: {
    saleEarnings: { pendingFen: number; frozenFen: number; availableFen: number; reversedFen: number };
    lowerRestocks: { count: number; handoverFen: number; rewardFen: number };
  };
}

export interface MyStockRow {
  skuId: number;
  title: string;
  skuName: string;
  retailFen: number;
  dealerPriceFen: number;
  quantity: number;
}

export const dealersApi = {
  shop: (id: number) => request<DealerShop>(`/api/dealer-shops/${id}`, { redirectOn401: false }),
  mine: () => request<MyDealerShop>('/api/dealer/me'),
  myStock: () => request<{ items: MyStockRow[] }>('/api/dealer/stock'),
};
