// The dealers screens of the console (see features/types.ts): HQ manages tiers, dealers and restock
// payments; a dealer (party 'dealer') sees its own stock, restocks, lower dealers' restocks and sales.
import { ShopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;
const DEALER = ['dealer'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-dealers', label: 'dealers.group', icon: <ShopOutlined /> }],
  screens: [
    { key: 'dealers-tiers', path: '/dealers/tiers', label: 'dealers.tiersNav', group: 'g-dealers', roles: READERS, element: lazy(() => import('./TiersPage')) },
    { key: 'dealers-shops', path: '/dealers/shops', label: 'dealers.shopsNav', group: 'g-dealers', roles: READERS, element: lazy(() => import('./ShopsPage')) },
    { key: 'dealers-restocks', path: '/dealers/restocks', label: 'dealers.restocksNav', group: 'g-dealers', roles: READERS, element: lazy(() => import('./RestocksPage')) },
    { key: 'dealer-my-stock', path: '/dealer/stock', label: 'dealers.myShopNav', group: 'g-dealers', roles: [], parties: DEALER, element: lazy(() => import('./MyStockPage')) },
    { key: 'dealer-lower-restocks', path: '/dealer/lower-restocks', label: 'dealers.lowerNav', group: 'g-dealers', roles: [], parties: DEALER, element: lazy(() => import('./LowerRestocksPage')) },
    { key: 'dealer-sales', path: '/dealer/sales', label: 'dealers.salesNav', group: 'g-dealers', roles: [], parties: DEALER, element: lazy(() => import('./SalesPage')) },
  ],
};
