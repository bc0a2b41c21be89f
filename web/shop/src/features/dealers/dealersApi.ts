// The dealers API as the shop uses it (its routes have no response schema yet: web/shared/legacy-types.ts).
import { request } from '../../api';

export type { DealerProfile as MyDealerShop, DealerShop, MyStockRow } from '../../../../shared/types';
import type { DealerProfile as MyDealerShop, DealerShop, MyStockRow } from '../../../../shared/types';

export const dealersApi = {
  shop: (id: number) => request<DealerShop>(`/api/dealer-shops/${id}`, { redirectOn401: false }),
  mine: () => request<MyDealerShop>('/api/dealer/me'),
  myStock: () => request<{ items: MyStockRow[] }>('/api/dealer/stock'),
};
