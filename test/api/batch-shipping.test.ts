// Batch shipping from an uploaded file (批量发货, issue 17): HQ's fulfilment roles download the
// template, upload an XLSX or a CSV of 订单号, 快递公司, 运单号; the preview answers every row and
// writes nothing; the confirm ships every valid row through the single ship action (an order per
// transaction, audited as order.ship, the participants' assertShippable applying), and the same file
// again ships nothing twice. Limits and wrong files are 4xx with a code; roles without fulfilment get 403.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conflict } from '../../src/errors.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { multipartBody } from '../support/media.js';

interface Row {
  row: number;
  orderNo: string;
  carrierCode: string | null;
  trackingNo: string;
  orderId: number | null;
  status: 'ok' | 'shipped' | 'already_shipped' | 'error';
  code: string | null;
}
interface Answer {
  counts: { ok: number; shipped: number; already_shipped: number; error: number };
  rows: Row[];
}

const csv = (lines: string[][]) => Buffer.from(`\ufeff${lines.map((l) => l.join(',')).join('\r\n')}\r\n`, 'utf8');
const HEADER = ['订单号', '快递公司', '运单号'];

describeEachDatabase('batch shipping', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let finance: RegisteredMember;
  let auditor: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;
  let n = 0;

  beforeAll(async () => {
    app = await startTestApp(kind);
    [owner, operator, finance, auditor] = [await hqMember(app, 'owner'), await hqMember(app, 'operator'), await hqMember(app, 'finance'), await hqMember(app, 'auditor')];
    buyer = await register(app);
    skuId = (await createProduct(app, owner, [{ priceFen: 3_000, stock: 10_000 }], '批量发货测试')).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const paidOrder = async (sku = skuId) => (await buyAndPay(app, buyer, [{ skuId: sku, quantity: 1 }])) as { id: number; orderNo: string };
  const send = async (step: 'preview' | 'confirm', data: Buffer, token = operator.token, filename = 'ship.csv') => {
    const { payload, contentType } = multipartBody([{ filename, data, contentType: 'application/octet-stream' }]);
    const res = await app.http.inject({ method: 'POST', url: `/api/admin/orders/batch-ship/${step}`, headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, payload });
    return { status: res.statusCode, body: JSON.parse(res.body) as Answer & { code?: string } };
  };
  const parcelsOf = async (orderId: number) => (await call(app, 'GET', `/api/admin/orders/${orderId}`, { token: owner.token })).body as { status: string; parcels: Array<{ carrierCode: string; trackingNo: string; shippedBy: string }> };
  const shipAudits = async (orderId: number) =>
    ((await call(app, 'GET', `/api/admin/audit-log?targetType=order&targetId=${orderId}&limit=50`, { token: owner.token })).body.items as Array<{ action: string; actorId: number; after: { batch?: { rows: number[] } } }>).filter((e) => e.action === 'order.ship');
  const tracking = () => `T${kind.slice(0, 2).toUpperCase()}${Date.now() % 1e8}${++n}`;

  it('the template is an XLSX with the three columns and the carriers; only fulfilment roles get it', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/api/admin/orders/batch-ship/template', headers: { authorization: `Bearer ${operator.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect((workbook.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual(HEADER);
    expect(workbook.worksheets[1]!.rowCount).toBeGreaterThan(10);
    expect((await call(app, 'GET', '/api/admin/orders/batch-ship/template', { token: finance.token })).status).toBe(403);
  });

  it('previews every row with ok or its error, and writes nothing', async () => {
    const [a, b, repeat] = [await paidOrder(), await paidOrder(), await paidOrder()];
    const unpaid = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `batch-unpaid-${kind}` } });
    const [ta, tb, tr] = [tracking(), tracking(), tracking()];
    const file = csv([
      HEADER,
      [a.orderNo, '顺丰', ta],
      [b.orderNo, 'zhongtong', tb],
      [repeat.orderNo, '中通快递', tr],
      [repeat.orderNo, '中通快递', tr],
      ['O2099NOSUCHORDER', '圆通速递', tracking()],
      [a.orderNo, '火星快递', tracking()],
      [b.orderNo, 'EMS', 'bad number!'],
      [unpaid.body.orderNo, 'EMS', tracking()],
      ['', '', ''],
    ]);
    const res = await send('preview', file);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows.map((r) => [r.row, r.status, r.code])).toEqual([
      [2, 'ok', null],
      [3, 'ok', null],
      [4, 'ok', null],
      [5, 'error', 'DUPLICATE_ROW'],
      [6, 'error', 'ORDER_NOT_FOUND'],
      [7, 'error', 'CARRIER_UNKNOWN'],
      [8, 'error', 'TRACKING_NO_INVALID'],
      [9, 'error', 'ORDER_NOT_SHIPPABLE'],
    ]);
    expect(res.body.rows.slice(0, 3).map((r) => r.carrierCode)).toEqual(['shunfeng', 'zhongtong', 'zhongtong']);
    expect(res.body.counts).toEqual({ ok: 3, shipped: 0, already_shipped: 0, error: 5 });
    for (const order of [a, b, repeat]) expect(await parcelsOf(order.id)).toMatchObject({ status: 'paid', parcels: [] });
  });

  it('confirm ships every valid row as the single ship does, audited; the same file again ships nothing twice', async () => {
    const [a, b] = [await paidOrder(), await paidOrder()];
    const [ta, tb1, tb2] = [tracking(), tracking(), tracking()];
    // two rows of one order: two parcels of one shipment
    const file = csv([HEADER, [a.orderNo, '顺丰速运', ta], [b.orderNo, 'yunda', tb1], [b.orderNo, '韵达', tb2], ['O2099NOSUCHORDER', '顺丰', tracking()]]);
    const first = await send('confirm', file);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.counts).toEqual({ ok: 0, shipped: 3, already_shipped: 0, error: 1 });
    expect(await parcelsOf(a.id)).toMatchObject({ status: 'shipped', parcels: [{ carrierCode: 'shunfeng', trackingNo: ta, shippedBy: 'hq' }] });
    expect((await parcelsOf(b.id)).parcels.map((p) => p.trackingNo)).toEqual([tb1, tb2]);
    const audits = await shipAudits(b.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: operator.id, after: { batch: { rows: [3, 4] } } });
    // the single ship action audits the same way
    const single = await paidOrder();
    expect((await call(app, 'POST', `/api/admin/orders/${single.id}/ship`, { token: operator.token, body: { parcels: [{ carrierCode: 'ems', trackingNo: tracking() }] } })).status).toBe(200);
    expect(await shipAudits(single.id)).toHaveLength(1);

    // again: already shipped, nothing new
    const preview = await send('preview', file);
    expect(preview.body.rows.map((r) => r.status)).toEqual(['already_shipped', 'already_shipped', 'already_shipped', 'error']);
    const again = await send('confirm', file);
    expect(again.body.counts).toEqual({ ok: 0, shipped: 0, already_shipped: 3, error: 1 });
    expect((await parcelsOf(b.id)).parcels).toHaveLength(2);
    expect(await shipAudits(b.id)).toHaveLength(1);
    // a shipped order with another tracking number is not shippable
    const other = await send('preview', csv([HEADER, [a.orderNo, '顺丰', tracking()]]));
    expect(other.body.rows[0]).toMatchObject({ status: 'error', code: 'ORDER_NOT_SHIPPABLE' });
  });

  it('two confirms of one file at once ship each order once; the loser reports already shipped', async () => {
    const orders = [await paidOrder(), await paidOrder(), await paidOrder()];
    const file = csv([HEADER, ...orders.map((o) => [o.orderNo, '申通', tracking()])]);
    const answers = await Promise.all([send('confirm', file), send('confirm', file)]);
    for (const a of answers) expect(a.status).toBe(200);
    for (const i of [0, 1, 2]) expect(answers.map((a) => a.body.rows[i]!.status).sort()).toEqual(['already_shipped', 'shipped']);
    for (const o of orders) expect((await parcelsOf(o.id)).parcels).toHaveLength(1);
  });

  it('reads an XLSX workbook, digits typed as a number included', async () => {
    const order = await paidOrder();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('发货');
    sheet.addRow(['运单号', '订单号', '快递公司']);
    sheet.addRow([773012345678, order.orderNo, { richText: [{ text: '中通' }] }]);
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await send('confirm', data, owner.token, 'ship.xlsx');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows[0]).toMatchObject({ row: 2, status: 'shipped', trackingNo: '773012345678', carrierCode: 'zhongtong' });
  });

  it('reads a CSV saved as GBK, as Excel does on a Chinese system', async () => {
    const order = await paidOrder();
    // 订单号,快递公司,运单号 / <no>,顺丰,<tracking> in GBK, built from the code points' GBK bytes
    const gbk = (text: string) => Buffer.from(text.split('').flatMap((c) => GBK[c] ?? [c.charCodeAt(0)]));
    const t = tracking();
    const res = await send('preview', gbk(`订单号,快递公司,运单号\r\n${order.orderNo},顺丰,${t}\r\n`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows[0]).toMatchObject({ status: 'ok', carrierCode: 'shunfeng', trackingNo: t });
  });

  it('an order with a supplier’s lines ships as the single ship does: HQ ships the whole order', async () => {
    const supplierMember = await register(app);
    const supplier = await app.services.suppliers.create(owner.id, { memberId: supplierMember.id, companyName: `批量供应商${kind}`, platformFeeBp: 500 });
    const proposal = await app.services.suppliers.propose(supplier, { title: '供应商茶', skus: [{ name: '罐', retailPriceFen: 5_000, supplyPriceFen: 3_000, stock: 100 }] });
    const product = await app.services.suppliers.approve(owner.id, proposal.id);
    const mixed = (await buyAndPay(app, buyer, [{ skuId: product.skus[0]!.id, quantity: 1 }, { skuId, quantity: 1 }])) as { id: number; orderNo: string };
    const res = await send('confirm', csv([HEADER, [mixed.orderNo, '顺丰', tracking()]]));
    expect(res.body.rows[0]!.status).toBe('shipped');
    expect((await parcelsOf(mixed.id)).status).toBe('shipped');
    // as after the single ship: the supplier no longer records a parcel on it
    const late = await call(app, 'POST', `/api/supplier/orders/${mixed.id}/shipments`, { token: supplierMember.token, body: { carrier: '顺丰', trackingNo: tracking() } });
    expect([late.status, late.body.code]).toEqual([409, 'ORDER_NOT_SHIPPABLE']);
  });

  it("goes through the ship action: a participant's assertShippable refusal is the row's code, in the preview and the confirm", async () => {
    const held = await paidOrder();
    app.services.orders.addParticipant({
      name: 'test-hold',
      assertShippable: async (_tx, orderId) => {
        if (orderId === held.id) throw conflict('TEST_NOT_YET', 'this order waits');
      },
    });
    const file = csv([HEADER, [held.orderNo, '顺丰', tracking()]]);
    expect((await send('preview', file)).body.rows[0]).toMatchObject({ status: 'error', code: 'TEST_NOT_YET' });
    expect((await send('confirm', file)).body.rows[0]).toMatchObject({ status: 'error', code: 'TEST_NOT_YET' });
    expect((await parcelsOf(held.id)).status).toBe('paid');
  });

  it('refuses roles without fulfilment, and files that are none, too large or too long, with a code', async () => {
    const order = await paidOrder();
    const file = csv([HEADER, [order.orderNo, '顺丰', tracking()]]);
    for (const who of [finance, auditor]) {
      for (const step of ['preview', 'confirm'] as const) expect((await send(step, file, who.token)).status).toBe(403);
    }
    const cases: Array<[Buffer, number, string]> = [
      [Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(100)]), 415, 'BATCH_FILE_TYPE'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 415, 'BATCH_FILE_TYPE'],
      [Buffer.from('PK\u0003\u0004not really a zip'), 400, 'BATCH_FILE_UNREADABLE'],
      [csv([['订单', '快递', '单号'], [order.orderNo, '顺丰', tracking()]]), 400, 'BATCH_FILE_COLUMNS_MISSING'],
      [csv([HEADER]), 400, 'BATCH_FILE_EMPTY'],
      [csv([HEADER, ...Array.from({ length: 2_001 }, (_, i) => [`O${i}`, '顺丰', `SF${10_000 + i}`])]), 413, 'BATCH_TOO_MANY_ROWS'],
      [Buffer.alloc(1_048_577, 0x41), 413, 'BATCH_FILE_TOO_LARGE'],
    ];
    for (const [data, status, code] of cases) {
      const res = await send('preview', data);
      expect([res.status, res.body.code], code).toEqual([status, code]);
    }
    const json = await call(app, 'POST', '/api/admin/orders/batch-ship/preview', { token: operator.token, body: {} });
    expect([json.status, json.body.code]).toEqual([400, 'BATCH_FILE_REQUIRED']);
    expect((await parcelsOf(order.id)).status).toBe('paid');
  });
});

/** GBK bytes of the few Chinese characters the GBK test writes */
const GBK: Record<string, number[]> = {
  订: [0xb6, 0xa9],
  单: [0xb5, 0xa5],
  号: [0xba, 0xc5],
  快: [0xbf, 0xec],
  递: [0xb5, 0xdd],
  公: [0xb9, 0xab],
  司: [0xcb, 0xbe],
  运: [0xd4, 0xcb],
  顺: [0xcb, 0xb3],
  丰: [0xb7, 0xe1],
};
