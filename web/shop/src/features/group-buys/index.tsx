// The 拼团 pages of the shop (see features/types.ts): a group's page, 我的拼团, the product panel and
// the home strip.
import { TeamIcon } from '../../icons';
import type { ShopFeature } from '../types';
import { GroupBuyHomeSection } from './GroupBuyHomeSection';
import { GroupBuyPanel } from './GroupBuyPanel';
import { GroupPage } from './GroupPage';
import { MyGroupsPage } from './MyGroupsPage';

export const feature: ShopFeature = {
  routes: [
    { path: '/group/:id', element: <GroupPage /> },
    { path: '/me/group-buys', element: <MyGroupsPage />, auth: true },
  ],
  entries: [{ where: 'me', key: 'my-group-buys', label: 'groupBuy.entry.mine', path: '/me/group-buys', icon: <TeamIcon /> }],
  homeSections: [{ key: 'group-buy', label: 'groupBuy.home.section', Section: GroupBuyHomeSection }],
  productPanels: [{ key: 'group-buy', Panel: GroupBuyPanel }],
};
