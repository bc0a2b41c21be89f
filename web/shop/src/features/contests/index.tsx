// The contests pages of the shop: my squad with the live PK standings, and the invite join page.
import type { ShopFeature } from '../types';
import { JoinSquadPage } from './JoinSquadPage';
import { MySquadPage } from './MySquadPage';
import { TrophyIcon } from '../../icons';

export const feature: ShopFeature = {
  routes: [
    { path: '/squad', element: <MySquadPage />, auth: true },
    { path: '/squad/join/:code', element: <JoinSquadPage />, auth: true },
  ],
  entries: [{ where: 'centre', key: 'squad', label: 'contests.entry', path: '/squad', icon: <TrophyIcon /> }],
};
