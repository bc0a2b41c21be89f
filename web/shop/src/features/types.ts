// A feature's shop pages (points, coupons, leaderboards, contests…): declared in its own folder and
// wired into the routes, the "me" page and the distributor centre by features/index.ts.
import type { ReactNode } from 'react';

export interface ShopRoute {
  /** e.g. '/points' */
  path: string;
  element: ReactNode;
  /** needs a signed-in member (wrapped in RequireAuth) */
  auth?: boolean;
  /** shown with the bottom tab bar */
  tabBar?: boolean;
}

/** A tile on the "me" page or in the distributor centre that opens a feature page. */
export interface ShopEntry {
  where: 'me' | 'centre' | 'home';
  /** test id: entry-<key> */
  key: string;
  /** an i18n key of the feature's dictionary */
  label: string;
  path: string;
  icon?: ReactNode;
  /** shown only to a member who acts for this kind of party (GET /api/me → parties) */
  party?: 'agent' | 'dealer' | 'store' | 'supplier';
}

export interface ShopFeature {
  routes: ShopRoute[];
  entries: ShopEntry[];
}

export interface FeatureDictionary {
  zh: Record<string, string>;
  /** must have every key zh has */
  en: Record<string, string>;
}
