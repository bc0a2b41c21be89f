// The growth pages of the shop (see features/types.ts): leaderboards (tiles on home and the
// distributor centre) and tier progress (centre).
import { lazy, Suspense, type ReactNode } from 'react';
import { Loading } from '../../components';
import type { ShopFeature } from '../types';
import { ChartIcon, TrophyIcon } from '../../icons';

const LeaderboardPage = lazy(() => import('./LeaderboardPage'));
const TierProgressPage = lazy(() => import('./TierProgressPage'));

const page = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

export const feature: ShopFeature = {
  routes: [
    // the board is public (names masked); my rank shows when signed in
    { path: '/leaderboards', element: page(<LeaderboardPage />) },
    { path: '/tier-progress', element: page(<TierProgressPage />), auth: true },
  ],
  entries: [
    { where: 'centre', key: 'growth-leaderboards', label: 'growth.entry.leaderboards', path: '/leaderboards', icon: <TrophyIcon /> },
    { where: 'home', key: 'growth-leaderboards-home', label: 'growth.entry.leaderboards', path: '/leaderboards', icon: <TrophyIcon /> },
    { where: 'centre', key: 'growth-tier-progress', label: 'growth.entry.tier', path: '/tier-progress', icon: <ChartIcon /> },
  ],
};
