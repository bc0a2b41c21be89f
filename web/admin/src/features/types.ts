// A feature's console screens (growth, channels…): declared in its own folder, wired into the
// routes, the side menu and access by features/index.ts, so features never edit shared files.
import type { ComponentType, LazyExoticComponent, ReactNode } from 'react';
import type { HqRole, ConsoleMe as Me } from '../types';

export interface FeatureScreen {
  /** unique; the menu item's test id is nav-<key> */
  key: string;
  /** under /admin, e.g. '/leaderboards' */
  path: string;
  /** an i18n key of the feature's dictionary */
  label: string;
  /** a core group ('g-members', 'g-rules', 'g-products', 'g-orders', 'g-finance') or one of the feature's groups */
  group: string;
  /** HQ roles that see this screen */
  roles: readonly HqRole[];
  /** party kinds (from /api/me `parties`) that see this screen, showing only that party's own data */
  parties?: readonly string[];
  element: LazyExoticComponent<ComponentType>;
}

export interface FeatureGroup {
  key: string;
  /** an i18n key of the feature's dictionary */
  label: string;
  icon: ReactNode;
}

export interface AdminFeature {
  groups?: FeatureGroup[];
  screens: FeatureScreen[];
}

export interface FeatureDictionary {
  zh: Record<string, string>;
  /** must have every key zh has */
  en: Record<string, string>;
}

export function canSeeScreen(me: Me | null, screen: Pick<FeatureScreen, 'roles' | 'parties'>): boolean {
  if (!me) return false;
  if (me.hqRole && screen.roles.includes(me.hqRole)) return true;
  return !!screen.parties && (me.parties ?? []).some((p) => screen.parties!.includes(p.kind));
}
