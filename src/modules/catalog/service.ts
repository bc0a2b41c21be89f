// Products and SKUs with prices in fen and stock that can never go negative.
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { imagesOf, setImages, type PictureLookup, type ProductImagesInput } from './images.js';
import { checkListPrice, insertMatrix, setSpecs, specsOfNamedSkus, type SpecsInput } from './specs.js';

/** How the shop sorts a list: 综合 (newest first), 销量, 价格 up or down. */
export type ProductSort = 'newest' | 'sales' | 'price_asc' | 'price_desc';

export interface SkuInput {
  name: string;
  priceFen: number;
  stock: number;
  listPriceFen?: number | null;
}

export interface ProductInput {
  title: string;
  description?: string;
  imageUrl?: string | null;
  category?: string;
  status?: 'on_sale' | 'off_sale';
  selectable?: boolean;
  /** 限购: the most one member may hold in open and paid orders; null or absent = no limit */
  maxPerMember?: number | null;
  /** a plain list of SKUs; several distinct names become the values of one attribute, 规格 */
  skus: SkuInput[];
  /** or the specs and their matrix (then skus is ignored) */
  specs?: SpecsInput;
}

export type ProductPatch = { title?: string; description?: string; imageUrl?: string | null; category?: string; status?: 'on_sale' | 'off_sale'; selectable?: boolean; maxPerMember?: number | null };

export interface ReservedSku {
  skuId: number;
  productId: number;
  title: string;
  unitPriceFen: number;
  quantity: number;
  /** the product's 限购 (null: none) */
  maxPerMember: number | null;
}

export class CatalogService {
  constructor(
    private readonly db: Db,
    private readonly pictures: PictureLookup,
    private readonly audit: AuditService,
  ) {}

  async list(ex: Executor, filter: { status?: 'on_sale' | 'off_sale'; category?: string; q?: string; ids?: number[]; selectable?: boolean; sort?: ProductSort; limit: number; offset: number }) {
    let q = ex.selectFrom('products').selectAll('products');
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.selectable !== undefined) q = q.where('selectable', '=', filter.selectable);
    if (filter.category) q = q.where('category', '=', filter.category);
    if (filter.q) {
      // a word inside the title, the description or the category, whatever the case (茶 finds 滇红茶)
      const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('title', 'ilike', pattern), eb('description', 'ilike', pattern), eb('category', 'ilike', pattern)]));
    }
    if (filter.ids) q = q.where('id', 'in', filter.ids.length ? filter.ids : [-1]);
    const lowest = (eb: import('kysely').ExpressionBuilder<import('../../db/schema.js').Database, 'products'>) =>
      eb.selectFrom('product_skus as k').select((k) => k.fn.min('k.price_fen').as('p')).whereRef('k.product_id', '=', 'products.id').where('k.retired_at', 'is', null);
    if (filter.sort === 'sales') q = q.orderBy('sold_count', 'desc');
    else if (filter.sort === 'price_asc') q = q.orderBy((eb) => lowest(eb), 'asc');
    else if (filter.sort === 'price_desc') q = q.orderBy((eb) => lowest(eb), 'desc');
    const products = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const skus = products.length
      ? await ex.selectFrom('product_skus').selectAll().where('product_id', 'in', products.map((p) => p.id)).where('retired_at', 'is', null).orderBy('id').execute()
      : [];
    const [images, skuPictures] = await Promise.all([
      imagesOf(ex, this.pictures, products.map((p) => p.id)),
      this.pictures.describe(ex, skus.flatMap((s) => (s.image_media_id === null ? [] : [s.image_media_id]))),
    ]);
    return products.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      // the main picture's large rendition when it has one (image_url follows it), else what was set by hand
      imageUrl: images.get(p.id)?.main?.large.url ?? p.image_url,
      images: images.get(p.id)!,
      category: p.category,
      status: p.status,
      selectable: p.selectable,
      soldCount: p.sold_count,
      maxPerMember: p.max_per_member,
      specs: p.spec_attributes,
      skus: skus
        .filter((s) => s.product_id === p.id)
        .map((s) => ({ id: s.id, name: s.name, specValues: s.spec_values, priceFen: s.price_fen, listPriceFen: s.list_price_fen, stock: s.stock, image: (s.image_media_id !== null && skuPictures.get(s.image_media_id)) || null })),
      minPriceFen: Math.min(...skus.filter((s) => s.product_id === p.id).map((s) => s.price_fen)),
    }));
  }

  async categories(ex: Executor) {
    const rows = await ex
      .selectFrom('products')
      .select(['category', (eb) => eb.fn.countAll<number>().as('count')])
      .where('status', '=', 'on_sale')
      .where('category', '<>', '')
      .groupBy('category')
      .orderBy('category')
      .execute();
    return rows.map((r) => ({ name: r.category, count: Number(r.count) }));
  }

  async get(ex: Executor, id: number) {
    const [product] = await this.list(ex, { ids: [id], limit: 1, offset: 0 });
    if (!product) throw notFound('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
    return product;
  }

  /** Creates a product; actorId: the HQ member who did (audited), null for the system (demo, a supplier's approved proposal). */
  async create(input: ProductInput, actorId: number | null = null) {
    const id = await inTransaction(this.db, async (tx) => {
      const product = await tx
        .insertInto('products')
        .values({ title: input.title, description: input.description ?? '', image_url: input.imageUrl ?? null, category: input.category ?? '', status: input.status ?? 'on_sale', selectable: input.selectable ?? true, max_per_member: input.maxPerMember ?? null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const specs = input.specs ?? specsOfNamedSkus(input.skus);
      await insertMatrix(tx, product.id, specs);
      await this.audit.record(tx, { actorId, action: 'product.create', targetType: 'product', targetId: product.id, after: { title: input.title, status: input.status ?? 'on_sale', maxPerMember: input.maxPerMember ?? null, specs: specs.attributes, skus: specs.skus.map((k) => ({ specValues: k.specValues, priceFen: k.priceFen, stock: k.stock })) } });
      return product.id;
    });
    return this.get(this.db, id);
  }

  async update(id: number, patch: ProductPatch, actorId: number | null = null) {
    const set = {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.imageUrl !== undefined ? { image_url: patch.imageUrl } : {}),
      ...(patch.category !== undefined ? { category: patch.category } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.selectable !== undefined ? { selectable: patch.selectable } : {}),
      ...(patch.maxPerMember !== undefined ? { max_per_member: patch.maxPerMember } : {}),
    };
    await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('products').select(['title', 'description', 'image_url', 'category', 'status', 'selectable', 'max_per_member']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!before) throw notFound('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
      if (Object.keys(set).length === 0) return;
      await tx.updateTable('products').set(set).where('id', '=', id).execute();
      const changed = Object.keys(set) as Array<keyof typeof set>;
      await this.audit.record(tx, { actorId, action: 'product.update', targetType: 'product', targetId: id, before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: set });
    });
    return this.get(this.db, id);
  }

  /** Replaces a product's pictures (main, gallery, detail: ordered media ids) and answers the product. */
  async setImages(id: number, input: ProductImagesInput, actorId: number | null = null) {
    await setImages(this.db, this.pictures, id, input, (tx, before, after) => this.audit.record(tx, { actorId, action: 'product.images', targetType: 'product', targetId: id, before, after }));
    return this.get(this.db, id);
  }

  /** Replaces a product's specs and SKU matrix (specs.ts) and answers the product. */
  async setSpecs(id: number, input: SpecsInput, actorId: number | null = null) {
    await setSpecs(this.db, this.pictures, id, input, (tx, before, after) => this.audit.record(tx, { actorId, action: 'product.specs', targetType: 'product', targetId: id, before, after }));
    return this.get(this.db, id);
  }

  async updateSku(skuId: number, patch: { priceFen?: number; listPriceFen?: number | null; stock?: number; name?: string }, actorId: number | null = null) {
    const set = {
      ...(patch.priceFen !== undefined ? { price_fen: patch.priceFen } : {}),
      ...(patch.listPriceFen !== undefined ? { list_price_fen: patch.listPriceFen } : {}),
      ...(patch.stock !== undefined ? { stock: patch.stock } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
    };
    const productId = await inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('product_skus').select(['product_id', 'name', 'price_fen', 'list_price_fen', 'stock', 'spec_values']).where('id', '=', skuId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
      checkListPrice(patch.priceFen ?? before.price_fen, patch.listPriceFen !== undefined ? patch.listPriceFen : before.list_price_fen);
      // a SKU of a spec matrix is named by its values: rename the values instead
      if (patch.name !== undefined && before.spec_values.length > 0) throw unprocessable('SKU_NAME_FROM_SPECS', 'this SKU is named by its spec values: change them in the specs');
      if (Object.keys(set).length === 0) return before.product_id;
      await tx.updateTable('product_skus').set(set).where('id', '=', skuId).execute();
      const changed = Object.keys(set) as Array<keyof typeof set>;
      await this.audit.record(tx, { actorId, action: 'sku.update', targetType: 'sku', targetId: skuId, before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: set });
      return before.product_id;
    });
    return this.get(this.db, productId);
  }

  /** Counts units sold (已售) for the products of paid orders' lines: after the payments commit, once each (the orders module's outbox). */
  async recordSales(tx: Tx, lines: ReadonlyArray<{ productId: number; quantity: number }>): Promise<void> {
    const units = new Map<number, number>();
    for (const l of lines) units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
    // in product order, so two batches never wait on each other in a circle
    for (const [productId, n] of [...units].sort((a, b) => a[0] - b[0])) {
      await tx.updateTable('products').set((eb) => ({ sold_count: eb('sold_count', '+', n) })).where('id', '=', productId).execute();
    }
  }

  /**
   * Takes stock for a checkout inside its transaction; SKUs are locked in id order so checkouts never
   * deadlock. Only the SKU rows are locked (FOR UPDATE OF s), not their product's: SKUs of one product
   * sell side by side. keptElsewhere: SKUs whose stock a campaign keeps and takes itself (checked for
   * sale here, neither locked nor taken).
   */
  async reserve(tx: Tx, items: Array<{ skuId: number; quantity: number }>, keptElsewhere: ReadonlySet<number> = new Set()): Promise<ReservedSku[]> {
    const merged = new Map<number, number>();
    for (const item of items) merged.set(item.skuId, (merged.get(item.skuId) ?? 0) + item.quantity);
    const skuIds = [...merged.keys()].sort((a, b) => a - b);
    const taken = skuIds.filter((id) => !keptElsewhere.has(id));
    const kept = skuIds.filter((id) => keptElsewhere.has(id));
    const read = (ids: number[]) =>
      tx
        .selectFrom('product_skus as s')
        .innerJoin('products as p', 'p.id', 's.product_id')
        .select(['s.id', 's.product_id', 's.name', 's.price_fen', 's.stock', 's.retired_at', 'p.title', 'p.status', 'p.max_per_member'])
        .where('s.id', 'in', ids)
        .orderBy('s.id');
    const rows = [...(taken.length ? await read(taken).forUpdate('s').execute() : []), ...(kept.length ? await read(kept).execute() : [])];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const skuId of skuIds) {
      const row = byId.get(skuId);
      if (!row) throw unprocessable('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
      if (row.status !== 'on_sale') throw conflict('PRODUCT_OFF_SALE', `${row.title} is not on sale`);
      if (row.retired_at !== null) throw conflict('SKU_RETIRED', `${row.title} (${row.name}) is no longer sold`);
      if (!keptElsewhere.has(skuId) && row.stock < merged.get(skuId)!) throw conflict('OUT_OF_STOCK', `${row.title} (${row.name}) has only ${row.stock} left`);
    }
    for (const skuId of taken) {
      await tx.updateTable('product_skus').set((eb) => ({ stock: eb('stock', '-', merged.get(skuId)!) })).where('id', '=', skuId).execute();
    }
    return items.map((item) => {
      const row = byId.get(item.skuId)!;
      return { skuId: row.id, productId: row.product_id, title: `${row.title} ${row.name}`.trim(), unitPriceFen: row.price_fen, quantity: item.quantity, maxPerMember: row.max_per_member };
    });
  }

  /**
   * Moves units out of a SKU's stock into a campaign's own stock (秒杀), in the campaign's transaction:
   * 409 OUT_OF_STOCK when the SKU has fewer. They come back through release.
   */
  async takeStock(tx: Tx, skuId: number, quantity: number): Promise<void> {
    const row = await tx.updateTable('product_skus').set((eb) => ({ stock: eb('stock', '-', quantity) })).where('id', '=', skuId).where('stock', '>=', quantity).returning('id').executeTakeFirst();
    if (row) return;
    const sku = await tx.selectFrom('product_skus').select('stock').where('id', '=', skuId).executeTakeFirst();
    if (!sku) throw unprocessable('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
    throw conflict('OUT_OF_STOCK', `sku ${skuId} has only ${sku.stock} in stock`, { skuId, stock: sku.stock });
  }

  async release(tx: Tx, items: Array<{ skuId: number; quantity: number }>): Promise<void> {
    for (const item of [...items].sort((a, b) => a.skuId - b.skuId)) {
      await tx.updateTable('product_skus').set((eb) => ({ stock: eb('stock', '+', item.quantity) })).where('id', '=', item.skuId).execute();
    }
  }
}
