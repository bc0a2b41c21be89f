// The promotions pages of the shop (see features/types.ts): coupon centre, my coupons, coupon links
// for distributors, and the member level card.
import type { ShopFeature } from '../types';
import { CouponCentrePage } from './CouponCentrePage';
import { CouponClaimPage } from './CouponClaimPage';
import { CouponSharePage } from './CouponSharePage';
import { MemberLevelPage } from './MemberLevelPage';
import { MyCouponsPage } from './MyCouponsPage';
import { CrownIcon, LinkIcon, TicketIcon } from '../../icons';

export const feature: ShopFeature = {
  routes: [
    { path: '/coupons', element: <CouponCentrePage /> },
    { path: '/coupons/claim/:id', element: <CouponClaimPage /> },
    { path: '/me/coupons', element: <MyCouponsPage />, auth: true },
    { path: '/me/level', element: <MemberLevelPage />, auth: true },
    { path: '/centre/coupons', element: <CouponSharePage />, auth: true },
  ],
  entries: [
    { where: 'home', key: 'coupon-centre', label: 'promo.entry.centre', path: '/coupons', icon: <TicketIcon /> },
    { where: 'me', key: 'my-coupons', label: 'promo.entry.mine', path: '/me/coupons', icon: <TicketIcon /> },
    { where: 'me', key: 'coupon-centre-me', label: 'promo.entry.centre', path: '/coupons', icon: <TicketIcon /> },
    { where: 'me', key: 'member-level', label: 'promo.entry.level', path: '/me/level', icon: <CrownIcon /> },
    { where: 'centre', key: 'coupon-share', label: 'promo.entry.share', path: '/centre/coupons', icon: <LinkIcon /> },
  ],
};
