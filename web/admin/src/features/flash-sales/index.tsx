// The 秒杀 screen of the console (see features/types.ts): campaigns with live sales per item; operators
// create, edit and end them, every HQ role reads (src/http/routes/flash-sales.ts).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  screens: [{ key: 'flash-sales', path: '/promotions/flash-sales', label: 'flashSales.nav', group: 'g-promotions', roles: READERS, element: lazy(() => import('./FlashSalesPage')) }],
};
