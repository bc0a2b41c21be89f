// The flash-sale pieces of the shop (see features/types.ts): the home strip of running and upcoming
// campaigns and the product page's panel; buying is the ordinary checkout with the campaign.
import type { ShopFeature } from '../types';
import { FlashSaleHomeSection } from './FlashSaleHomeSection';
import { FlashSalePanel } from './FlashSalePanel';

export const feature: ShopFeature = {
  routes: [],
  entries: [],
  homeSections: [{ key: 'flash-sale', label: 'flashSale.home.section', Section: FlashSaleHomeSection }],
  productPanels: [{ key: 'flash-sale', Panel: FlashSalePanel }],
};
