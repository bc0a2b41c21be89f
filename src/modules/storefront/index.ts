// The storefront's face (issue 17): the shop's decoration (装修: home banners, the order and
// visibility of home sections and tiles; 050) and members' favourite products (收藏, 051). It reads
// pictures through the media module's face and products through the catalog's.
import type { CoreServices } from '../../services.js';
import { DecorationService } from './decoration.js';
import { FavouritesService } from './favourites.js';

export { DecorationService, type DecorationEditorView, type SavedDecoration, type ShopDecorationView } from './decoration.js';
export { BUILT_IN_SECTIONS, MAX_BANNERS, SECTION_KEY, TILE_KEY, bannerInput, bannerLink, decorationInput, type Decoration, type DecorationInput } from './decoration-schema.js';
export { FavouritesService, MAX_FAVOURITES, type FavouriteItem, type FavouriteState } from './favourites.js';
export type { StorefrontTables } from './tables.js';

export function createStorefront(core: Pick<CoreServices, 'db' | 'clock' | 'media' | 'catalog' | 'audit'>) {
  return {
    decoration: new DecorationService(core.db, core.clock, core.media, core.catalog, core.audit),
    favourites: new FavouritesService(core.db, core.catalog),
  };
}
