// A member's favourite products (收藏): adding and removing are idempotent (a second heart tap, or a
// retry, answers the same and changes nothing); at most 500 per member, counted under a per-member
// lock so two devices cannot pass it together. Only a product on sale can be added; one taken off
// sale later stays in the list, marked, and comes back when it is on sale again. Every read and
// write is the member's own.
import { sql } from 'kysely';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { CatalogService } from '../catalog/index.js';

export const MAX_FAVOURITES = 500;
/** the advisory-lock class of favourites (the second key is the member) */
const FAVOURITES_LOCK = 51_001;

export interface FavouriteState {
  productId: number;
  favourite: boolean;
  favouritedAt: Date | null;
}

type Product = Awaited<ReturnType<CatalogService['list']>>[number];

export interface FavouriteItem {
  productId: number;
  favouritedAt: Date;
  /** false: taken off sale since (the shop cannot open or sell it now) */
  onSale: boolean;
  product: Product;
}

export class FavouritesService {
  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
  ) {}

  /** Whether the member favourited this product. */
  async state(ex: Executor, memberId: number, productId: number): Promise<FavouriteState> {
    const row = await ex.selectFrom('member_favourites').select('created_at').where('member_id', '=', memberId).where('product_id', '=', productId).executeTakeFirst();
    return { productId, favourite: !!row, favouritedAt: row?.created_at ?? null };
  }

  /** Favourites a product on sale; already a favourite: nothing changes. */
  async add(memberId: number, productId: number): Promise<FavouriteState> {
    return inTransaction(this.db, async (tx) => {
      const count = await this.lock(tx, memberId);
      const existing = await this.state(tx, memberId, productId);
      if (existing.favourite) return existing;
      const [product] = await this.catalog.list(tx, { ids: [productId], status: 'on_sale', limit: 1, offset: 0 });
      if (!product) throw notFound('PRODUCT_NOT_FOUND', `product ${productId} is not on sale`);
      if (count >= MAX_FAVOURITES) throw unprocessable('FAVOURITES_FULL', `a member keeps at most ${MAX_FAVOURITES} favourites`, { max: MAX_FAVOURITES });
      const row = await tx.insertInto('member_favourites').values({ member_id: memberId, product_id: productId }).returning('created_at').executeTakeFirstOrThrow();
      return { productId, favourite: true, favouritedAt: row.created_at };
    });
  }

  /** Takes a product out of the favourites; not one: nothing changes. */
  async remove(memberId: number, productId: number): Promise<FavouriteState> {
    await this.db.deleteFrom('member_favourites').where('member_id', '=', memberId).where('product_id', '=', productId).execute();
    return { productId, favourite: false, favouritedAt: null };
  }

  /** One page of the member's favourites, the newest first, with the products as the shop shows them. */
  async list(ex: Executor, memberId: number, page: { limit: number; offset: number }): Promise<{ total: number; items: FavouriteItem[] }> {
    const [rows, counted] = await Promise.all([
      ex
        .selectFrom('member_favourites')
        .select(['product_id', 'created_at'])
        .where('member_id', '=', memberId)
        .orderBy('created_at', 'desc')
        .orderBy('product_id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      ex.selectFrom('member_favourites').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((r) => r.product_id);
    const products = ids.length ? await this.catalog.list(ex, { ids, limit: ids.length, offset: 0 }) : [];
    const byId = new Map(products.map((p) => [p.id, p]));
    const items = rows.flatMap((r) => {
      const product = byId.get(r.product_id);
      return product ? [{ productId: r.product_id, favouritedAt: r.created_at, onSale: product.status === 'on_sale', product }] : [];
    });
    return { total: Number(counted.n), items };
  }

  /** Serialises one member's additions (the 500th from two devices) and answers how many they keep. */
  private async lock(tx: Tx, memberId: number): Promise<number> {
    await sql`select pg_advisory_xact_lock(${FAVOURITES_LOCK}, ${memberId % 2_147_483_647})`.execute(tx);
    const { n } = await tx.selectFrom('member_favourites').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
    return Number(n);
  }
}
