// A distributor's mini-shop (微店): it picks up to 100 products on sale that HQ lets mini-shops pick
// (products.selectable) and orders them (选品); its share link opens them. Products taken off sale
// (or withdrawn from picking) drop out of the shop by themselves (they stay
// picked, and come back when they are on sale again); a mini-shop with no picks shows the mall.
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { forbidden, unprocessable } from '../../errors.js';
import type { CatalogService } from '../catalog/index.js';
import type { MembersService } from '../members/index.js';

export const MAX_PICKS = 100;

export class ShowcaseService {
  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly members: MembersService,
  ) {}

  /** The picked product ids in the shop's order (on sale or not). */
  async pickIds(ex: Executor, memberId: number): Promise<number[]> {
    const rows = await ex.selectFrom('showcase_picks').select('product_id').where('member_id', '=', memberId).orderBy('position').execute();
    return rows.map((r) => r.product_id);
  }

  /** What the mini-shop shows: its picks that are on sale, in its order. */
  async products(ex: Executor, memberId: number) {
    const ids = await this.pickIds(ex, memberId);
    if (ids.length === 0) return { picked: false, items: [] };
    const onSale = await this.catalog.list(ex, { ids, status: 'on_sale', selectable: true, limit: MAX_PICKS, offset: 0 });
    const byId = new Map(onSale.map((p) => [p.id, p]));
    return { picked: true, items: ids.flatMap((id) => byId.get(id) ?? []) };
  }

  /** Replaces the picks with these products, in this order; only an active distributor has a mini-shop. */
  async setPicks(memberId: number, productIds: number[]) {
    const member = await this.members.get(this.db, memberId);
    if (member?.distributorStatus !== 'active') throw forbidden('NOT_A_DISTRIBUTOR', 'only a distributor picks the products of a mini-shop');
    if (new Set(productIds).size !== productIds.length) throw unprocessable('SHOWCASE_DUPLICATE', 'a product is picked once');
    if (productIds.length > MAX_PICKS) throw unprocessable('SHOWCASE_TOO_MANY', `a mini-shop shows at most ${MAX_PICKS} products`);
    const onSale = productIds.length ? await this.catalog.list(this.db, { ids: productIds, status: 'on_sale', selectable: true, limit: MAX_PICKS, offset: 0 }) : [];
    const missing = productIds.filter((id) => !onSale.some((p) => p.id === id));
    if (missing.length) throw unprocessable('SHOWCASE_PRODUCT_UNAVAILABLE', `products not on sale or not open to mini-shops: ${missing.join(', ')}`, { productIds: missing });
    await inTransaction(this.db, async (tx) => {
      await tx.deleteFrom('showcase_picks').where('member_id', '=', memberId).execute();
      if (productIds.length) await tx.insertInto('showcase_picks').values(productIds.map((productId, position) => ({ member_id: memberId, product_id: productId, position }))).execute();
    });
    return this.products(this.db, memberId);
  }
}
