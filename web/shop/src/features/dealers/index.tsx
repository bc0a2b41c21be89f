// The dealers pages of the shop (see features/types.ts): a dealer shop's page, and "my dealer shop".
import type { ShopFeature } from '../types';
import { DealerShopPage } from './DealerShopPage';
import { MyDealerShopPage } from './MyDealerShopPage';
import { StoreIcon } from '../../icons';

export const feature: ShopFeature = {
  routes: [
    { path: '/dealer/:id', element: <DealerShopPage /> },
    { path: '/centre/dealer-shop', element: <MyDealerShopPage />, auth: true },
  ],
  entries: [{ where: 'centre', key: 'my-dealer-shop', label: 'dealer.entry.mine', path: '/centre/dealer-shop', icon: <StoreIcon />, party: 'dealer' }],
};
