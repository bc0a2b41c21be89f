// The console's fulfilment: ship an order in parcels (or without a carrier), add parcels, mark it
// received; batch shipping from an uploaded file (批量发货: its template, a preview that writes
// nothing, the confirm that ships); and the carriers a parcel can name (suppliers' consoles use it too).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CARRIERS, SHIPPING_BATCH_MAX_ROWS } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { AppError, badRequest } from '../../errors.js';
import { file, intOut, listOf, orderOut, XLSX } from '../responses.js';
import { XLSX_TYPE } from '../exports.js';
import { idParams, parcelInput } from '../schemas.js';
import { readShippingFile, SHIPPING_FILE_MAX_BYTES, shippingTemplate } from '../shipping-file.js';
import { uploadedFile } from '../uploads.js';
import { adminGuards } from './admin-guards.js';

const shippingRowStatus = z.enum(['ok', 'shipped', 'already_shipped', 'error']);
const shippingBatchOut = z.object({
  counts: z.object({ ok: intOut, shipped: intOut, already_shipped: intOut, error: intOut }).describe('rows by status'),
  rows: z.array(
    z.object({
      row: intOut.describe("the row's number in the sheet (the header is row 1)"),
      orderNo: z.string(),
      carrier: z.string().describe('as the file names it'),
      carrierCode: z.string().nullable().describe('the known carrier it names (快递100 code)'),
      carrierName: z.string().nullable(),
      trackingNo: z.string(),
      orderId: intOut.nullable(),
      status: shippingRowStatus.describe('ok: would ship (preview); shipped (confirm); already_shipped: the order left with this tracking number before; error: see code'),
      code: z.string().nullable().describe('why the row does not ship: ORDER_NOT_FOUND, ORDER_NOT_SHIPPABLE, ORDER_IS_PICKUP, CARRIER_UNKNOWN, TRACKING_NO_INVALID, DUPLICATE_ROW, or what ship refused with'),
    }),
  ),
});
const batchUpload = (what: string) =>
  `${what}. multipart/form-data with one file (at most ${SHIPPING_FILE_MAX_BYTES} bytes, 415 BATCH_FILE_TYPE unless .xlsx or .csv): the columns 订单号, 快递公司 (a carrier's name or code), 运单号; at most ${SHIPPING_BATCH_MAX_ROWS} rows (413 BATCH_TOO_MANY_ROWS)`;

/** The uploaded shipping file's rows, and a name for it in the audit log (its name and the start of its SHA-256). */
async function shippingUpload(req: FastifyRequest) {
  const upload = await uploadedFile(req, {
    maxBytes: SHIPPING_FILE_MAX_BYTES,
    missing: () => badRequest('BATCH_FILE_REQUIRED', 'send the shipping file as multipart/form-data, in one file field'),
    tooLarge: () => new AppError(413, 'BATCH_FILE_TOO_LARGE', `the file is larger than ${SHIPPING_FILE_MAX_BYTES} bytes`, { maxBytes: SHIPPING_FILE_MAX_BYTES }),
  });
  const sha = createHash('sha256').update(upload.bytes).digest('hex').slice(0, 16);
  return { rows: await readShippingFile(upload), file: `${upload.filename.slice(0, 100)} sha256:${sha}` };
}

export function adminFulfilmentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { fulfilment } = adminGuards(auth);
  const tags = ['admin'];
  r.get('/api/carriers', {
    preHandler: auth.authenticate,
    schema: { tags: ['orders'], summary: 'The express companies a parcel can name (快递100 company codes)', response: { 200: listOf(z.object({ code: z.string(), zh: z.string(), en: z.string() })) } },
  }, async () => ({ items: CARRIERS.map(({ code, zh, en }) => ({ code, zh, en })) }));
  r.post('/api/admin/orders/:id/ship', {
    preHandler: fulfilment,
    schema: {
      tags,
      summary: 'Shipped, with the parcels that leave now (none: goods that need no carrier); the automatic receipt counts from now',
      params: idParams,
      // no body: shipped without a parcel (goods that need no carrier), as before parcels existed
      body: z.object({ parcels: z.array(parcelInput).max(20).default([]) }).nullish(),
      response: { 200: orderOut },
    },
  }, async (req) => s.orders.ship(req.params.id, { parcels: req.body?.parcels ?? [], actorId: member(req).id }));
  r.post('/api/admin/orders/:id/parcels', {
    preHandler: fulfilment,
    schema: {
      tags,
      summary: 'More parcels: part of a paid order leaves (it stays paid until shipped), or a late parcel of a shipped one (its receipt counts from it)',
      params: idParams,
      body: z.object({ parcels: z.array(parcelInput).min(1).max(20) }),
      response: { 200: orderOut },
    },
  }, async (req) => s.orders.addParcels(req.params.id, req.body.parcels, member(req).id));
  r.get('/api/admin/orders/batch-ship/template', {
    preHandler: fulfilment,
    schema: { tags, summary: 'The batch-shipping template (批量发货): an XLSX with the columns 订单号, 快递公司, 运单号 and the carriers it takes', response: { 200: file('The template workbook (attachment)', XLSX) } },
  }, async (_req, reply) =>
    reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="batch-ship-template.xlsx"; filename*=UTF-8''${encodeURIComponent('批量发货模板.xlsx')}`).send(await shippingTemplate()),
  );
  // each upload is parsed whole: a bound on what one address can ask for
  const uploadLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };
  r.post('/api/admin/orders/batch-ship/preview', {
    preHandler: fulfilment,
    config: uploadLimit,
    schema: { tags, summary: batchUpload('Batch shipping, step 1: every row of the file answered (ok, already shipped, or why not); nothing is written'), consumes: ['multipart/form-data'], response: { 200: shippingBatchOut } },
  }, async (req) => s.orders.previewShippingBatch((await shippingUpload(req)).rows));
  r.post('/api/admin/orders/batch-ship/confirm', {
    preHandler: fulfilment,
    config: uploadLimit,
    schema: {
      tags,
      summary: batchUpload('Batch shipping, step 2: the same file again; every row that is ok ships as the single ship action does (each order in its own transaction, audited). Sending it once more ships nothing twice'),
      consumes: ['multipart/form-data'],
      response: { 200: shippingBatchOut },
    },
  }, async (req) => {
    const { rows, file: name } = await shippingUpload(req);
    return s.orders.confirmShippingBatch(rows, { actorId: member(req).id, file: name });
  });
  r.post('/api/admin/orders/:id/complete', { preHandler: fulfilment, schema: { tags, summary: 'Mark received: the return window starts', params: idParams, response: { 200: orderOut } } }, async (req) =>
    s.orders.complete(req.params.id),
  );
}
