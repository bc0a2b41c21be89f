// The bargain screen of the console (砍价, see features/types.ts): offers with their bargains; operators
// create and edit them, every HQ role reads (src/http/routes/bargains.ts).
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  screens: [{ key: 'bargain-offers', path: '/promotions/bargains', label: 'bargains.nav', group: 'g-promotions', roles: READERS, element: lazy(() => import('./BargainOffersPage')) }],
};
