// Every feature's shop pages and entries.
import type { ShopEntry, ShopFeature, ShopHomeSection, ShopProductPanel, ShopRoute } from './types';
import { feature as promotions } from './promotions';
import { feature as loyalty } from './loyalty';
import { feature as growth } from './growth';
import { feature as contests } from './contests';
import { feature as dealers } from './dealers';
import { feature as channels } from './channels';
import { feature as favourites } from './favourites';
import { feature as flashSales } from './flash-sales';
import { feature as bargains } from './bargains';
import { feature as groupBuys } from './group-buys';

export const FEATURES: ShopFeature[] = [promotions, loyalty, growth, contests, dealers, channels, favourites, flashSales, bargains, groupBuys];
export const FEATURE_ROUTES: ShopRoute[] = FEATURES.flatMap((f) => f.routes);
export const FEATURE_ENTRIES: ShopEntry[] = FEATURES.flatMap((f) => f.entries);
export const FEATURE_HOME_SECTIONS: ShopHomeSection[] = FEATURES.flatMap((f) => f.homeSections ?? []);
export const FEATURE_PRODUCT_PANELS: ShopProductPanel[] = FEATURES.flatMap((f) => f.productPanels ?? []);
