// The promotions screens of the console (see features/types.ts): coupon templates and member levels.
import { GiftOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminFeature } from '../types';

const READERS = ['owner', 'operator', 'finance', 'support', 'auditor'] as const;

export const feature: AdminFeature = {
  groups: [{ key: 'g-promotions', label: 'promotions.group', icon: <GiftOutlined /> }],
  screens: [
    { key: 'promotions-coupons', path: '/promotions/coupons', label: 'promotions.couponsNav', group: 'g-promotions', roles: READERS, element: lazy(() => import('./CouponTemplatesPage')) },
    { key: 'promotions-levels', path: '/promotions/levels', label: 'promotions.levelsNav', group: 'g-promotions', roles: READERS, element: lazy(() => import('./MemberLevelsPage')) },
  ],
};
