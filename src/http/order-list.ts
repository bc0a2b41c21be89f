// Order lists (the console's and the buyer's) show each order's first product picture, and a
// supplier's orders each line's: the orders module says which product, the catalog which picture
// (its thumbnail rendition when it has one).
import type { Services } from '../services.js';

/** Each of these products' thumbnail (its main picture's thumbnail rendition, else its image URL). */
async function productThumbnails(s: Services, ids: number[]): Promise<Map<number, string | null>> {
  const productIds = [...new Set(ids)];
  const products = productIds.length ? await s.catalog.list(s.db, { ids: productIds, limit: productIds.length, offset: 0 }) : [];
  return new Map(products.map((p) => [p.id, p.images.main?.thumb.url ?? p.imageUrl]));
}

export async function withThumbnails<T extends { firstProductId: number | null }>(s: Services, items: T[]): Promise<Array<Omit<T, 'firstProductId'> & { imageUrl: string | null }>> {
  const thumbOf = await productThumbnails(s, items.flatMap((o) => (o.firstProductId === null ? [] : [o.firstProductId])));
  return items.map(({ firstProductId, ...o }) => ({ ...o, imageUrl: firstProductId === null ? null : (thumbOf.get(firstProductId) ?? null) }));
}

/** Every line of these orders with its product's thumbnail. */
export async function withLineThumbnails<T extends { lines: Array<{ productId: number }> }>(s: Services, items: T[]): Promise<Array<Omit<T, 'lines'> & { lines: Array<T['lines'][number] & { imageUrl: string | null }> }>> {
  const thumbOf = await productThumbnails(s, items.flatMap((o) => o.lines.map((l) => l.productId)));
  return items.map((o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, imageUrl: thumbOf.get(l.productId) ?? null })) }));
}
