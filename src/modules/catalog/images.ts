// A product's pictures (product_images, 040): one main picture, the gallery after it, and the detail
// pictures (详情图) below the description, each an ordered list of the media module's pictures.
// products.image_url follows the main picture's large URL, for what reads that column directly.
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { badRequest, notFound, unprocessable } from '../../errors.js';
import type { MediaImageView } from '../media/index.js';

/** What the catalog asks of pictures: the media module's descriptions (URLs per size) by id. */
export interface PictureLookup {
  describe(ex: Executor, ids: number[]): Promise<Map<number, MediaImageView>>;
}

export interface ProductImagesInput {
  /** null with a gallery: the first gallery picture becomes the main one */
  main: number | null;
  gallery: number[];
  detail: number[];
}

export interface ProductImages {
  main: MediaImageView | null;
  gallery: MediaImageView[];
  detail: MediaImageView[];
}

const empty = (): ProductImages => ({ main: null, gallery: [], detail: [] });

/** The pictures of these products, in order (products without any get empty lists). */
export async function imagesOf(ex: Executor, pictures: PictureLookup, productIds: number[]): Promise<Map<number, ProductImages>> {
  const out = new Map<number, ProductImages>(productIds.map((id) => [id, empty()]));
  if (productIds.length === 0) return out;
  const rows = await ex
    .selectFrom('product_images')
    .select(['product_id', 'kind', 'position', 'media_id'])
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('kind')
    .orderBy('position')
    .execute();
  const views = await pictures.describe(ex, rows.map((r) => r.media_id));
  for (const r of rows) {
    const view = views.get(r.media_id);
    const images = out.get(r.product_id);
    if (!view || !images) continue;
    if (r.kind === 'main') images.main = view;
    else images[r.kind].push(view);
  }
  return out;
}

/** Replaces a product's pictures; every id must be an uploaded picture, each used once. */
export async function setImages(db: Db, pictures: PictureLookup, productId: number, input: ProductImagesInput, audit: (tx: Tx, before: ProductImagesInput, after: ProductImagesInput) => Promise<unknown>): Promise<void> {
  const gallery = [...input.gallery];
  const main = input.main ?? gallery.shift() ?? null;
  const all = [...(main === null ? [] : [main]), ...gallery, ...input.detail];
  if (new Set(all).size !== all.length) throw badRequest('PRODUCT_IMAGES_DUPLICATE', 'a picture may appear once among a product’s pictures');
  await inTransaction(db, async (tx) => {
    const product = await tx.selectFrom('products').select('id').where('id', '=', productId).forUpdate().executeTakeFirst();
    if (!product) throw notFound('PRODUCT_NOT_FOUND', `product ${productId} does not exist`);
    const views = await pictures.describe(tx, all);
    const unknown = all.find((id) => !views.has(id));
    if (unknown !== undefined) throw unprocessable('MEDIA_NOT_FOUND', `picture ${unknown} does not exist: upload it first`);
    const old = await tx.selectFrom('product_images').select(['kind', 'media_id']).where('product_id', '=', productId).orderBy('kind').orderBy('position').execute();
    const before = { main: old.find((r) => r.kind === 'main')?.media_id ?? null, gallery: old.filter((r) => r.kind === 'gallery').map((r) => r.media_id), detail: old.filter((r) => r.kind === 'detail').map((r) => r.media_id) };
    await tx.deleteFrom('product_images').where('product_id', '=', productId).execute();
    const rows = [
      ...(main === null ? [] : [{ product_id: productId, kind: 'main' as const, position: 0, media_id: main }]),
      ...gallery.map((media_id, position) => ({ product_id: productId, kind: 'gallery' as const, position, media_id })),
      ...input.detail.map((media_id, position) => ({ product_id: productId, kind: 'detail' as const, position, media_id })),
    ];
    if (rows.length > 0) await tx.insertInto('product_images').values(rows).execute();
    await tx.updateTable('products').set({ image_url: main === null ? null : views.get(main)!.large.url }).where('id', '=', productId).execute();
    await audit(tx, before, { main, gallery, detail: input.detail });
  });
}
