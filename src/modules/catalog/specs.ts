// Specs (规格): a product's attributes (颜色 × 尺码 …) generate its SKU matrix, one SKU per combination
// of values, each with its own price, stock and picture. Saving a matrix keeps the SKU of every
// combination that stays (its id is what orders, dealers' stock and commission overrides name),
// creates the new ones and retires the dropped ones (never deleted; the same combination revives it).
import type { Db, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { PictureLookup } from './images.js';
import type { SpecAttribute } from './tables.js';

export type { SpecAttribute };

export const MAX_SPEC_ATTRIBUTES = 3;
export const MAX_SPEC_SKUS = 200;
/** the SKU of a product without attributes, when no name is given */
export const DEFAULT_SKU_NAME = '默认';

export interface SpecSkuInput {
  specValues: string[];
  priceFen: number;
  stock: number;
  imageMediaId?: number | null;
  /** 划线价: above priceFen, or null for none */
  listPriceFen?: number | null;
  /** only for a product without attributes (its one SKU); otherwise the name is the values */
  name?: string;
}

export interface SpecsInput {
  attributes: SpecAttribute[];
  skus: SpecSkuInput[];
}

/** A SKU's name: its values, in the attributes' order. */
export function skuNameOf(values: string[], fallback: string = DEFAULT_SKU_NAME): string {
  return values.length ? values.join(' / ') : fallback;
}

const keyOf = (values: string[]) => JSON.stringify(values);

function combinations(attributes: SpecAttribute[]): string[][] {
  return attributes.reduce<string[][]>((rows, a) => rows.flatMap((row) => a.values.map((v) => [...row, v])), [[]]);
}

function checkAttributes(attributes: SpecAttribute[]): void {
  if (attributes.length > MAX_SPEC_ATTRIBUTES) throw unprocessable('SPEC_TOO_MANY_ATTRIBUTES', `a product has at most ${MAX_SPEC_ATTRIBUTES} spec attributes`);
  const names = attributes.map((a) => a.name.trim());
  if (new Set(names).size !== names.length) throw unprocessable('SPEC_DUPLICATE', 'each spec attribute is named once', { attribute: names.find((n, i) => names.indexOf(n) !== i) });
  for (const a of attributes) {
    if (a.values.length === 0) throw unprocessable('SPEC_NO_VALUES', `spec attribute ${a.name} has no values`, { attribute: a.name });
    const dup = a.values.find((v, i) => a.values.indexOf(v) !== i);
    if (dup !== undefined) throw unprocessable('SPEC_DUPLICATE', `${a.name} lists ${dup} twice`, { attribute: a.name, value: dup });
  }
}

/** A list price (划线价) is only ever above the price: a struck-through figure below it would be a made-up discount. */
export function checkListPrice(priceFen: number, listPriceFen: number | null | undefined): void {
  if (listPriceFen != null && listPriceFen <= priceFen) throw unprocessable('LIST_PRICE_NOT_ABOVE_PRICE', `a list price (${listPriceFen}) must be above the price (${priceFen})`, { priceFen, listPriceFen });
}

/**
 * Checks a matrix and answers its SKUs in matrix order (the first attribute varies slowest):
 * every combination of values exactly once, no value outside its attribute.
 */
export function checkMatrix(input: SpecsInput): SpecSkuInput[] {
  checkAttributes(input.attributes);
  const size = input.attributes.reduce((n, a) => n * a.values.length, 1);
  if (size > MAX_SPEC_SKUS) throw unprocessable('SPEC_MATRIX_TOO_LARGE', `the specs make ${size} SKUs; at most ${MAX_SPEC_SKUS}`, { size });
  const byKey = new Map<string, SpecSkuInput>();
  for (const sku of input.skus) {
    checkListPrice(sku.priceFen, sku.listPriceFen);
    const known = sku.specValues.length === input.attributes.length && sku.specValues.every((v, i) => input.attributes[i]!.values.includes(v));
    if (!known) throw unprocessable('SPEC_VALUE_UNKNOWN', `SKU ${skuNameOf(sku.specValues, '—')} does not match the attributes`, { specValues: sku.specValues });
    if (byKey.has(keyOf(sku.specValues))) throw unprocessable('SPEC_DUPLICATE', `SKU ${skuNameOf(sku.specValues)} is listed twice`, { specValues: sku.specValues });
    byKey.set(keyOf(sku.specValues), sku);
  }
  const all = combinations(input.attributes);
  const missing = all.filter((values) => !byKey.has(keyOf(values)));
  if (missing.length) throw unprocessable('SPEC_MATRIX_INCOMPLETE', `every combination needs a SKU: ${missing.slice(0, 5).map((v) => skuNameOf(v)).join(', ')} missing`, { missing });
  return all.map((values) => byKey.get(keyOf(values))!);
}

/** The specs products get when created with a plain list of SKUs: their names as one attribute, 规格, when there are several distinct ones. */
export function specsOfNamedSkus(skus: Array<{ name: string; priceFen: number; stock: number }>): SpecsInput {
  const names = skus.map((s) => s.name);
  if (skus.length < 2 || new Set(names).size !== names.length) return { attributes: [], skus: skus.map((s) => ({ ...s, specValues: [] })) };
  return { attributes: [{ name: '规格', values: names }], skus: skus.map((s) => ({ ...s, specValues: [s.name] })) };
}

/** A SKU's columns: named by its values when the product has attributes, else by the name given or kept. */
function skuColumns(input: SpecsInput, sku: SpecSkuInput, keptName?: string) {
  const name = input.attributes.length ? skuNameOf(sku.specValues) : (sku.name ?? keptName ?? DEFAULT_SKU_NAME);
  return { name, price_fen: sku.priceFen, list_price_fen: sku.listPriceFen ?? null, stock: sku.stock, image_media_id: sku.imageMediaId ?? null, spec_values: JSON.stringify(sku.specValues) };
}

/** Writes a checked matrix for a new product (no SKUs yet). */
export async function insertMatrix(tx: Tx, productId: number, input: SpecsInput): Promise<void> {
  // checkMatrix checks list prices too; named SKUs without attributes are checked here
  const skus = input.attributes.length ? checkMatrix(input) : input.skus;
  if (!input.attributes.length) for (const s of skus) checkListPrice(s.priceFen, s.listPriceFen);
  await tx.updateTable('products').set({ spec_attributes: JSON.stringify(input.attributes) }).where('id', '=', productId).execute();
  await tx
    .insertInto('product_skus')
    .values(skus.map((s) => ({ product_id: productId, ...skuColumns(input, s) })))
    .execute();
}

/** Replaces a product's specs and SKU matrix (see the file's comment for what happens to SKUs). */
/** What a matrix change looked like, for the audit: the attributes and the live SKUs, before and after. */
export interface SpecsSnapshot {
  attributes: SpecAttribute[];
  skus: Array<{ name: string; priceFen: number; stock: number }>;
}

export async function setSpecs(db: Db, pictures: PictureLookup, productId: number, input: SpecsInput, audit: (tx: Tx, before: SpecsSnapshot, after: SpecsSnapshot) => Promise<unknown>): Promise<void> {
  const skus = checkMatrix(input);
  if (input.attributes.length === 0 && skus.length !== 1) throw unprocessable('SPEC_MATRIX_INCOMPLETE', 'a product without spec attributes has exactly one SKU');
  const imageIds = [...new Set(skus.flatMap((s) => (s.imageMediaId == null ? [] : [s.imageMediaId])))];
  await inTransaction(db, async (tx) => {
    const product = await tx.selectFrom('products').select(['id', 'spec_attributes']).where('id', '=', productId).forUpdate().executeTakeFirst();
    if (!product) throw notFound('PRODUCT_NOT_FOUND', `product ${productId} does not exist`);
    const views = await pictures.describe(tx, imageIds);
    const unknown = imageIds.find((id) => !views.has(id));
    if (unknown !== undefined) throw unprocessable('MEDIA_NOT_FOUND', `picture ${unknown} does not exist: upload it first`);
    // every SKU the product ever had, locked in id order like checkouts lock them
    const existing = await tx.selectFrom('product_skus').select(['id', 'name', 'spec_values', 'price_fen', 'stock', 'retired_at']).where('product_id', '=', productId).orderBy('id').forUpdate().execute();
    const before: SpecsSnapshot = { attributes: product.spec_attributes, skus: existing.filter((r) => r.retired_at === null).map((r) => ({ name: r.name, priceFen: r.price_fen, stock: r.stock })) };
    const after: SpecsSnapshot = { attributes: input.attributes, skus: [] };
    // a combination that stays keeps its SKU; a live one wins over a retired one with the same values
    const byKey = new Map<string, number>();
    for (const row of [...existing].sort((a, b) => Number(a.retired_at === null) - Number(b.retired_at === null))) byKey.set(keyOf(row.spec_values), row.id);
    const kept = new Set<number>();
    for (const sku of skus) {
      const id = byKey.get(keyOf(sku.specValues));
      // without attributes the one SKU keeps its name unless a new one is given
      const values = skuColumns(input, sku, existing.find((r) => r.id === id)?.name);
      after.skus.push({ name: values.name, priceFen: sku.priceFen, stock: sku.stock });
      if (id !== undefined) {
        kept.add(id);
        await tx.updateTable('product_skus').set({ ...values, retired_at: null }).where('id', '=', id).execute();
      } else {
        await tx.insertInto('product_skus').values({ product_id: productId, ...values }).execute();
      }
    }
    const dropped = existing.filter((r) => r.retired_at === null && !kept.has(r.id)).map((r) => r.id);
    if (dropped.length) await tx.updateTable('product_skus').set({ retired_at: new Date() }).where('id', 'in', dropped).execute();
    await tx.updateTable('products').set({ spec_attributes: JSON.stringify(input.attributes) }).where('id', '=', productId).execute();
    await audit(tx, before, after);
  });
}
