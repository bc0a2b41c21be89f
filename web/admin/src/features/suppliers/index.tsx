// The suppliers screens of the console (see features/types.ts): a supplier's own products and
// proposals, orders (with shipping) and settlements; HQ's supplier accounts and proposal review.
import { ShopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const HQ = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-suppliers', label: 'suppliers.group', icon: <ShopOutlined /> }],
  screens: [
    { key: 'supplier-products', path: '/supplier/products', label: 'suppliers.nav.myProducts', group: 'g-suppliers', roles: [], parties: ['supplier'], element: lazy(() => import('./MyProductsPage')) },
    { key: 'supplier-orders', path: '/supplier/orders', label: 'suppliers.nav.myOrders', group: 'g-suppliers', roles: [], parties: ['supplier'], element: lazy(() => import('./MyOrdersPage')) },
    { key: 'supplier-after-sales', path: '/supplier/after-sales', label: 'suppliers.nav.myAfterSales', group: 'g-suppliers', roles: [], parties: ['supplier'], element: lazy(() => import('./MyAfterSalesPage')) },
    { key: 'supplier-settlements', path: '/supplier/settlements', label: 'suppliers.nav.mySettlements', group: 'g-suppliers', roles: [], parties: ['supplier'], element: lazy(() => import('./MySettlementsPage')) },
    { key: 'suppliers', path: '/suppliers', label: 'suppliers.nav.suppliers', group: 'g-suppliers', roles: HQ, element: lazy(() => import('./SuppliersPage')) },
    { key: 'supplier-proposals', path: '/supplier-proposals', label: 'suppliers.nav.proposals', group: 'g-suppliers', roles: HQ, element: lazy(() => import('./ProposalsPage')) },
  ],
};
