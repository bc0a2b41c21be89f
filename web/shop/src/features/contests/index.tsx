// The contests pages of the shop (see features/types.ts).
import type { ShopFeature } from '../types';

export const feature: ShopFeature = { routes: [], entries: [] };
