// 店铺装修 in the console (see features/types.ts): the shop home page's banners, section order and
// tiles, for the roles that may save it (owner, operator; src/http/routes/storefront.ts).
import { ShopOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

export const feature: AdminFeature = {
  groups: [{ key: 'g-storefront', label: 'decoration.group', icon: <ShopOutlined /> }],
  screens: [{ key: 'decoration', path: '/decoration', label: 'decoration.nav', group: 'g-storefront', roles: ['owner', 'operator'], element: lazy(() => import('./DecorationPage')) }],
};
