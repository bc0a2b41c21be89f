// Order lists (the console's and the buyer's) show each order's first product picture, and a
// supplier's orders each line's: the orders module says which product, the catalog which picture
// (its thumbnail rendition when it has one).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, forbidden } from '../errors.js';
import type { OrderListFilter } from '../modules/orders/index.js';
import type { Services } from '../services.js';
import { member, ROLES_SEEING_PERSONAL_DATA } from './auth.js';
import { orderSourceOut, orderStatusOut } from './responses.js';
import { shanghaiDay, shanghaiDayRange } from './schemas.js';

/** The console's order search (OrderListFilter) without its date range: the list and its export take the same. */
export const orderSearchShape = {
  status: orderStatusOut.optional(),
  q: z.string().trim().max(40).optional().describe('the start of an order number'),
  buyer: z.string().trim().min(1).max(30).optional().describe("a word of the buyer's nickname, or the buyer's member id"),
  phone: z
    .string()
    .regex(/^(\d{4}|1[3-9]\d{9})$/, 'a whole mainland mobile number or its last 4 digits')
    .optional()
    .describe("the buyer's phone, whole or its last 4 digits; only for roles that see phones unmasked (else 403 PHONE_SEARCH_FORBIDDEN)"),
  product: z.string().trim().min(1).max(40).optional().describe("a word in a line's title"),
  productId: z.coerce.number().int().positive().optional().describe('orders with a line of this product'),
  source: orderSourceOut.optional(),
  distributor: z.string().trim().min(1).max(20).optional().describe('the sharer, or a distributor who earned commission on the order: a member id or an invite code'),
  delivery: z.enum(['express', 'pickup']).optional(),
  toShip: z.enum(['true', 'false']).optional().describe('true: what fulfilment must ship (待发货): paid, by express'),
};

/** The placed-on day range of the search, Asia/Shanghai days, both included. */
export const placedDay = shanghaiDay.optional();

type OrderSearch = { [K in keyof typeof orderSearchShape]?: z.infer<(typeof orderSearchShape)[K]> };

/** The search as the orders module takes it; 403 for a phone search by a role that sees phones masked, 400 for a reversed range. */
export function orderSearchFilter(req: FastifyRequest, query: OrderSearch, placed: { from?: string; to?: string }): OrderListFilter {
  const { toShip, ...filter } = query;
  // searching by phone would tell a masked viewer whose phone ends so: only roles that see phones whole may
  if (filter.phone && !ROLES_SEEING_PERSONAL_DATA.includes(member(req).hqRole!)) throw forbidden('PHONE_SEARCH_FORBIDDEN', 'your role sees phones masked and cannot search by phone');
  if (placed.from && placed.to && placed.from > placed.to) throw badRequest('RANGE_INVALID', 'from must not be after to');
  const { start, before } = shanghaiDayRange(placed);
  return { ...filter, createdFrom: start, createdBefore: before, toShip: toShip === 'true' };
}

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
