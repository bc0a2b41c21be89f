// The shop's home section and tile keys the console knows, with their labels. The console cannot
// import the shop's code, so this list mirrors web/shop/src/features (homeSections keys, entries with
// where 'home'); a saved key missing here still shows, by its key. The built-in section keys come
// from the server (builtInSections), in the shop's default order.

/** Feature sections (campaigns…), in the shop's feature order: they come before 'hot' there. */
export const FEATURE_SECTIONS: Array<{ key: string; label: string }> = [
  { key: 'flash-sale', label: 'decoration.section.flashSale' },
  { key: 'group-buy', label: 'decoration.section.groupBuy' },
  { key: 'bargain', label: 'decoration.section.bargain' },
];

const BUILT_IN_LABELS: Record<string, string> = {
  banners: 'decoration.section.banners',
  categories: 'decoration.section.categories',
  entries: 'decoration.section.entries',
  showcase: 'decoration.section.showcase',
  hot: 'decoration.section.hot',
};

/** The home tiles (entries with where 'home'), in the shop's order. */
export const HOME_TILES: Array<{ key: string; label: string }> = [
  { key: 'coupon-centre', label: 'decoration.tile.couponCentre' },
  { key: 'loyalty-sign-in', label: 'decoration.tile.signIn' },
  { key: 'loyalty-notes-home', label: 'decoration.tile.notes' },
  { key: 'growth-leaderboards-home', label: 'decoration.tile.leaderboards' },
];

export const SECTION_LABELS: Record<string, string> = { ...BUILT_IN_LABELS, ...Object.fromEntries(FEATURE_SECTIONS.map((s) => [s.key, s.label])) };
export const TILE_LABELS: Record<string, string> = Object.fromEntries(HOME_TILES.map((s) => [s.key, s.label]));

/** The shop's default section order: the built-in ones, the features' before the product grid ('hot'). */
export function defaultSectionOrder(builtIns: string[]): string[] {
  const features = FEATURE_SECTIONS.map((s) => s.key);
  const hot = builtIns.indexOf('hot');
  return hot < 0 ? [...builtIns, ...features] : [...builtIns.slice(0, hot), ...features, ...builtIns.slice(hot)];
}

export interface Placement {
  key: string;
  visible: boolean;
}

/** What the editor lists: the saved order (unknown keys kept), then every known key it does not name, shown. */
export function editorRows(saved: Placement[], known: string[]): Placement[] {
  const named = new Set(saved.map((p) => p.key));
  return [...saved, ...known.filter((k) => !named.has(k)).map((key) => ({ key, visible: true }))];
}

export function moved<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}
