// Products and SKUs with prices in fen and stock that can never go negative.
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { imagesOf, setImages, type PictureLookup, type ProductImagesInput } from './images.js';

export interface SkuInput {
  name: string;
  priceFen: number;
  stock: number;
}

export interface ProductInput {
  title: string;
  description?: string;
  imageUrl?: string | null;
  category?: string;
  status?: 'on_sale' | 'off_sale';
  skus: SkuInput[];
}

export interface ReservedSku {
  skuId: number;
  productId: number;
  title: string;
  unitPriceFen: number;
  quantity: number;
}

export class CatalogService {
  constructor(
    private readonly db: Db,
    private readonly pictures: PictureLookup,
  ) {}

  async list(ex: Executor, filter: { status?: 'on_sale' | 'off_sale'; category?: string; q?: string; ids?: number[]; limit: number; offset: number }) {
    let q = ex.selectFrom('products').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.category) q = q.where('category', '=', filter.category);
    if (filter.q) q = q.where('title', 'like', `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (filter.ids) q = q.where('id', 'in', filter.ids.length ? filter.ids : [-1]);
    const products = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const skus = products.length
      ? await ex.selectFrom('product_skus').selectAll().where('product_id', 'in', products.map((p) => p.id)).orderBy('id').execute()
      : [];
    const images = await imagesOf(ex, this.pictures, products.map((p) => p.id));
    return products.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      // the main picture's large rendition when it has one (image_url follows it), else what was set by hand
      imageUrl: images.get(p.id)?.main?.large.url ?? p.image_url,
      images: images.get(p.id)!,
      category: p.category,
      status: p.status,
      skus: skus.filter((s) => s.product_id === p.id).map((s) => ({ id: s.id, name: s.name, priceFen: s.price_fen, stock: s.stock })),
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

  async create(input: ProductInput) {
    const id = await inTransaction(this.db, async (tx) => {
      const product = await tx
        .insertInto('products')
        .values({ title: input.title, description: input.description ?? '', image_url: input.imageUrl ?? null, category: input.category ?? '', status: input.status ?? 'on_sale' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('product_skus')
        .values(input.skus.map((s) => ({ product_id: product.id, name: s.name, price_fen: s.priceFen, stock: s.stock })))
        .execute();
      return product.id;
    });
    return this.get(this.db, id);
  }

  async update(id: number, patch: { title?: string; description?: string; imageUrl?: string | null; category?: string; status?: 'on_sale' | 'off_sale' }) {
    const updated = await this.db
      .updateTable('products')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.imageUrl !== undefined ? { image_url: patch.imageUrl } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw notFound('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
    return this.get(this.db, id);
  }

  /** Replaces a product's pictures (main, gallery, detail: ordered media ids) and answers the product. */
  async setImages(id: number, input: ProductImagesInput) {
    await setImages(this.db, this.pictures, id, input);
    return this.get(this.db, id);
  }

  async updateSku(skuId: number, patch: { priceFen?: number; stock?: number; name?: string }) {
    const updated = await this.db
      .updateTable('product_skus')
      .set({
        ...(patch.priceFen !== undefined ? { price_fen: patch.priceFen } : {}),
        ...(patch.stock !== undefined ? { stock: patch.stock } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
      })
      .where('id', '=', skuId)
      .returning('product_id')
      .executeTakeFirst();
    if (!updated) throw notFound('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
    return this.get(this.db, updated.product_id);
  }

  /** Takes stock for a checkout inside its transaction; SKUs are locked in id order so checkouts never deadlock. */
  async reserve(tx: Tx, items: Array<{ skuId: number; quantity: number }>): Promise<ReservedSku[]> {
    const merged = new Map<number, number>();
    for (const item of items) merged.set(item.skuId, (merged.get(item.skuId) ?? 0) + item.quantity);
    const skuIds = [...merged.keys()].sort((a, b) => a - b);
    const rows = await tx
      .selectFrom('product_skus as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['s.id', 's.product_id', 's.name', 's.price_fen', 's.stock', 'p.title', 'p.status'])
      .where('s.id', 'in', skuIds)
      .orderBy('s.id')
      .forUpdate()
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const skuId of skuIds) {
      const row = byId.get(skuId);
      if (!row) throw unprocessable('SKU_NOT_FOUND', `sku ${skuId} does not exist`);
      if (row.status !== 'on_sale') throw conflict('PRODUCT_OFF_SALE', `${row.title} is not on sale`);
      if (row.stock < merged.get(skuId)!) throw conflict('OUT_OF_STOCK', `${row.title} (${row.name}) has only ${row.stock} left`);
    }
    for (const skuId of skuIds) {
      await tx.updateTable('product_skus').set((eb) => ({ stock: eb('stock', '-', merged.get(skuId)!) })).where('id', '=', skuId).execute();
    }
    return items.map((item) => {
      const row = byId.get(item.skuId)!;
      return { skuId: row.id, productId: row.product_id, title: `${row.title} ${row.name}`.trim(), unitPriceFen: row.price_fen, quantity: item.quantity };
    });
  }

  async release(tx: Tx, items: Array<{ skuId: number; quantity: number }>): Promise<void> {
    for (const item of [...items].sort((a, b) => a.skuId - b.skuId)) {
      await tx.updateTable('product_skus').set((eb) => ({ stock: eb('stock', '+', item.quantity) })).where('id', '=', item.skuId).execute();
    }
  }
}
