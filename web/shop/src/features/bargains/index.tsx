// The bargain pages of the shop (see features/types.ts): a bargain's page, 我的砍价, the product panel
// and the home strip.
import type { ShopFeature } from '../types';
import { BargainHomeSection } from './BargainHomeSection';
import { BargainPage } from './BargainPage';
import { BargainPanel } from './BargainPanel';
import { MyBargainsPage } from './MyBargainsPage';
import { ScissorsIcon } from './parts';

export const feature: ShopFeature = {
  routes: [
    { path: '/bargain/:id', element: <BargainPage /> },
    { path: '/me/bargains', element: <MyBargainsPage />, auth: true },
  ],
  entries: [{ where: 'me', key: 'my-bargains', label: 'bargain.entry.mine', path: '/me/bargains', icon: <ScissorsIcon /> }],
  homeSections: [{ key: 'bargain', label: 'bargain.home.section', Section: BargainHomeSection }],
  productPanels: [{ key: 'bargain', Panel: BargainPanel }],
};
