// The channels pages of the shop (see features/types.ts): a store's page (its QR code lands here and
// binds the customer), "my store" with the nearest stores, and "my agency" for agents.
import type { ShopFeature } from '../types';
import { MyAgencyPage } from './MyAgencyPage';
import { MyStorePage, StorePage } from './StorePages';
import { MedalIcon, StoreIcon } from '../../icons';

export const feature: ShopFeature = {
  routes: [
    { path: '/store/:id', element: <StorePage /> },
    { path: '/me/store', element: <MyStorePage />, auth: true },
    { path: '/centre/agency', element: <MyAgencyPage />, auth: true },
  ],
  entries: [
    { where: 'centre', key: 'my-agency', label: 'channels.entry.agency', path: '/centre/agency', icon: <MedalIcon />, party: 'agent' },
    { where: 'me', key: 'my-store', label: 'channels.entry.store', path: '/me/store', icon: <StoreIcon /> },
  ],
};
