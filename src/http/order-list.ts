// Order lists (the console's and the buyer's) show each order's first product picture: the orders
// module says which product, the catalog which picture (its thumbnail rendition when it has one).
import type { Services } from '../services.js';

export async function withThumbnails<T extends { firstProductId: number | null }>(s: Services, items: T[]): Promise<Array<Omit<T, 'firstProductId'> & { imageUrl: string | null }>> {
  const productIds = [...new Set(items.flatMap((o) => (o.firstProductId === null ? [] : [o.firstProductId])))];
  const products = productIds.length ? await s.catalog.list(s.db, { ids: productIds, limit: productIds.length, offset: 0 }) : [];
  const thumbOf = new Map(products.map((p) => [p.id, p.images.main?.thumb.url ?? p.imageUrl]));
  return items.map(({ firstProductId, ...o }) => ({ ...o, imageUrl: firstProductId === null ? null : (thumbOf.get(firstProductId) ?? null) }));
}
