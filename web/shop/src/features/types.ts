// A feature's shop pages (points, coupons, leaderboards, contests…): declared in its own folder and
// wired into the routes, the "me" page and the distributor centre by features/index.ts.
import type { ComponentType, ReactNode } from 'react';
import type { Product } from '../../../shared/types';

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

/** A section of the home page (a campaign's strip, …); the shop's decoration orders them by key. */
export interface ShopHomeSection {
  /** stable: the decoration names it; test id home-section-<key> */
  key: string;
  /** an i18n key of the feature's dictionary (the console's decoration screen shows it) */
  label: string;
  Section: ComponentType;
}

/** A panel on the product page, under the price (a flash-sale price, "start a group"…). */
export interface ShopProductPanel {
  key: string;
  Panel: ComponentType<{ product: Product; skuId: number | null }>;
}

export interface ShopFeature {
  routes: ShopRoute[];
  entries: ShopEntry[];
  homeSections?: ShopHomeSection[];
  productPanels?: ShopProductPanel[];
}

export interface FeatureDictionary {
  zh: Record<string, string>;
  /** must have every key zh has */
  en: Record<string, string>;
}
