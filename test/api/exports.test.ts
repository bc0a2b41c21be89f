// The console's order, commission and payout exports (issue 15): the CSV and XLSX are parsed and
// their contents checked against what the API says — amounts add up, refunds show, phones and
// consignees are masked for the roles that see them masked, destinations never leave whole —
// plus roles, bad input, no row cap (the files are streamed: test/api/exports-streaming.test.ts)
// and the audit entry with its row count.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { fetchFile, parseCsv, records, sumYuan, xlsxRows } from '../support/files.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const yuan = (fen: number) => (fen / 100).toFixed(2);

describeEachDatabase('exports of orders, commissions and payouts', (kind) => {
  let app: TestApp;
  const hq: Record<'owner' | 'operator' | 'finance' | 'support' | 'auditor', RegisteredMember> = {} as never;
  let top: RegisteredMember;
  let mid: RegisteredMember;
  let buyer: RegisteredMember;
  let first: any;
  let second: any;
  let refundedLine: any;
  const address = { name: '王小明', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', regionCode: '440305' };
  const accountNo = '6222021234567890123';

  beforeAll(async () => {
    app = await startTestApp(kind, {
      rules: { commission: { tierRatesBp: { '1': [1000, 500, 300] }, freezeDays: 7 }, order: { shippingFen: 800 }, payout: { minAmountFen: 100, autoApproveMaxFen: 0, feeBp: 100 } },
    });
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as const) hq[role] = await hqMember(app, role);
    [top, mid, buyer] = await registerChain(app, 3);
    const a = (await createProduct(app, hq.owner, [{ priceFen: 10_000 }], '保温杯')).skus[0]!.id;
    const b = (await createProduct(app, hq.owner, [{ priceFen: 2_550 }], '茶叶, "特级"')).skus[0]!.id;

    // day one (2026-11-20, Shanghai): two paid orders, a refund on one line, one order left unpaid
    const checkout = await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: a, quantity: 1 }, { skuId: b, quantity: 2 }], checkoutKey: `export-first-${kind}`, shippingAddress: address } });
    expect(checkout.status).toBe(201);
    const pay = await call(app, 'POST', `/api/orders/${checkout.body.id}/pay`, { token: buyer.token, body: { provider: 'dev' } });
    expect((await call(app, 'POST', '/api/payments/dev/simulate', { token: buyer.token, body: { outTradeNo: pay.body.outTradeNo } })).status).toBe(200);
    await app.services.orders.drainEffects();
    second = await buyAndPay(app, buyer, [{ skuId: b, quantity: 1 }]);
    refundedLine = (await call(app, 'GET', `/api/orders/${checkout.body.id}`, { token: buyer.token })).body.lines.find((l: { title: string }) => l.title.startsWith('茶叶'));
    const refund = await call(app, 'POST', `/api/admin/orders/${checkout.body.id}/refunds`, { token: hq.support.token, body: { lines: [{ lineId: refundedLine.id, amountFen: 1_000 }], reason: '少发一盒', idempotencyKey: `export-refund-${kind}` } });
    expect(refund.body.status).toBe('succeeded');
    first = (await call(app, 'GET', `/api/admin/orders/${checkout.body.id}`, { token: hq.owner.token })).body;
    expect((await call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId: a, quantity: 1 }], checkoutKey: `export-unpaid-${kind}` } })).status).toBe(201);

    // day three: a five-line order, and two withdrawals (one approved)
    app.clock.advanceDays(2);
    const many = await createProduct(app, hq.owner, [1, 2, 3, 4, 5].map((n) => ({ priceFen: 1_000 * n, name: `款${n}` })), '组合');
    await buyAndPay(app, buyer, many.skus.map((s) => ({ skuId: s.id, quantity: 1 })));
    expect((await call(app, 'POST', '/api/admin/adjustments', { token: hq.finance.token, body: { memberId: mid.id, amountFen: 20_000, reason: '活动奖励', idempotencyKey: `export-adjust-${kind}` } })).status).toBe(201);
    const bank = await call(app, 'POST', '/api/me/payouts', { token: mid.token, body: { amountFen: 5_000, channel: 'bank', destination: { bankName: '招商银行', accountNo, realName: '张三丰' }, idempotencyKey: `export-bank-${kind}` } });
    expect(bank.status).toBe(201);
    const alipay = await call(app, 'POST', '/api/me/payouts', { token: mid.token, body: { amountFen: 3_000, channel: 'alipay', destination: { account: 'mid-member@example.com', realName: '张三丰' }, idempotencyKey: `export-alipay-${kind}` } });
    expect(alipay.status).toBe(201);
    expect((await call(app, 'POST', `/api/admin/payouts/${alipay.body.id}/approve`, { token: hq.finance.token })).body.status).toBe('paid');
  });
  afterAll(async () => app?.close());

  it('exports exactly the orders the list shows for the same filters (product word, phone as the role allows, placed days)', async () => {
    const query = `product=${encodeURIComponent('保温杯')}&phone=${buyer.phone.slice(-4)}`;
    const listed = (await call(app, 'GET', `/api/admin/orders?limit=100&${query}`, { token: hq.owner.token })).body.items.map((o: { orderNo: string }) => o.orderNo);
    // the first order and the unpaid one hold a 保温杯; the tea-only order does not
    expect(listed).toHaveLength(2);
    expect(listed).not.toContain(second.orderNo);
    const orderNos = (res: { buffer: Buffer }) => [...new Set(records(parseCsv(res.buffer)).map((r) => r['订单号']))];
    const res = await fetchFile(app, `/api/admin/orders/export?${query}`, hq.owner.token);
    expect(res.status).toBe(200);
    expect(orderNos(res)).toEqual(listed);
    // the list's placed-day range, under the export's names (from/to is the export's paid range): day three only
    const dayThree = await fetchFile(app, '/api/admin/orders/export?placedFrom=2026-11-22&placedTo=2026-11-22', hq.owner.token);
    const listedDayThree = (await call(app, 'GET', '/api/admin/orders?limit=100&from=2026-11-22&to=2026-11-22', { token: hq.owner.token })).body.items.map((o: { orderNo: string }) => o.orderNo);
    expect(listedDayThree).toHaveLength(1);
    expect(orderNos(dayThree)).toEqual(listedDayThree);
    // a role that sees phones masked may not search by one here either
    const masked = await fetchFile(app, `/api/admin/orders/export?phone=${buyer.phone.slice(-4)}`, hq.operator.token);
    expect([masked.status, masked.json?.code]).toEqual([403, 'PHONE_SEARCH_FORBIDDEN']);
  });

  it('exports order lines as CSV whose paid amounts add up to the orders, with the refund on its line', async () => {
    const res = await fetchFile(app, '/api/admin/orders/export?from=2026-11-20&to=2026-11-20', hq.owner.token);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.disposition).toMatch(/attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = records(parseCsv(res.buffer));
    // the unpaid order has no paid date, the five-line order was paid two days later
    expect(rows.map((r) => r['订单号'])).toEqual([second.orderNo, first.orderNo, first.orderNo]);
    const listed = (await call(app, 'GET', '/api/admin/orders?limit=100', { token: hq.owner.token })).body.items.filter((o: { id: number }) => [first.id, second.id].includes(o.id));
    expect(sumYuan(rows.map((r) => r['订单实付(元)']))).toBe(listed.reduce((s: number, o: { paidFen: number }) => s + o.paidFen, 0));
    expect(sumYuan(rows.map((r) => r['订单退款(元)']))).toBe(1_000);
    // order amounts stand once per order; the lines' paid amounts plus shipping make the order's
    expect(sumYuan(rows.map((r) => r['商品实付(元)'])) + sumYuan(rows.map((r) => r['运费(元)']))).toBe(first.paidFen + second.paidFen);
    const firstRows = rows.filter((r) => r['订单号'] === first.orderNo);
    expect(firstRows[0]!['订单实付(元)']).toBe(yuan(first.paidFen));
    expect(firstRows[1]!['订单实付(元)']).toBe('');
    const tea = firstRows.find((r) => String(r['商品']).startsWith('茶叶'))!;
    expect(refundedLine.title).toContain('茶叶, "特级"');
    expect(tea).toMatchObject({ 商品: refundedLine.title, 数量: '2', '单价(元)': '25.50', '商品实付(元)': yuan(refundedLine.paidFen), '商品退款(元)': '10.00' });
    expect(firstRows.find((r) => String(r['商品']).startsWith('保温杯'))!['商品退款(元)']).toBe('0.00');
    expect(firstRows[0]).toMatchObject({
      订单状态: '待发货',
      下单时间: '2026-11-20 12:00:00',
      付款时间: '2026-11-20 12:00:00',
      发货时间: '',
      买家ID: String(buyer.id),
      买家昵称: '链3',
      买家手机号: buyer.phone,
      收货人: '王小明',
      收货人电话: '13912345678',
      收货地址: '广东省 深圳市 南山区 科技园 1 号',
      来源: '直接访问',
    });
  });

  it('exports XLSX with money as numbers, and English headers on request', async () => {
    const res = await fetchFile(app, `/api/admin/orders/export?format=xlsx&q=${first.orderNo}`, hq.owner.token);
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml');
    const rows = records(await xlsxRows(res.buffer));
    expect(rows).toHaveLength(2);
    const cup = rows.find((r) => String(r['商品']).startsWith('保温杯'))!;
    expect(cup['单价(元)']).toBe(100);
    expect(rows[0]!['订单实付(元)']).toBe(first.paidFen / 100);
    expect(rows[0]!['运费(元)']).toBe(8);
    expect(sumYuan(rows.map((r) => r['商品退款(元)']))).toBe(1_000);
    const en = records(await xlsxRows((await fetchFile(app, `/api/admin/orders/export?format=xlsx&lang=en&q=${first.orderNo}`, hq.owner.token)).buffer));
    expect(en[0]).toMatchObject({ 'Order no': first.orderNo, Status: 'To ship', 'Order paid (CNY)': first.paidFen / 100 });
  });

  it('masks phones and consignees in the file as the role sees them', async () => {
    const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    const of = async (role: keyof typeof hq) => records(parseCsv((await fetchFile(app, `/api/admin/orders/export?q=${first.orderNo}`, hq[role].token)).buffer))[0]!;
    // operator: buyer phone masked (lists), consignee whole (fulfilment needs it, as in the order detail)
    expect(await of('operator')).toMatchObject({ 买家手机号: masked(buyer.phone), 收货人: '王小明', 收货人电话: '13912345678' });
    // support sees both whole
    expect(await of('support')).toMatchObject({ 买家手机号: buyer.phone, 收货人电话: '13912345678' });
    // finance and auditor: everything masked, the street left out
    for (const role of ['finance', 'auditor'] as const) {
      const row = await of(role);
      expect(row).toMatchObject({ 买家手机号: masked(buyer.phone), 收货人: '王*明', 收货人电话: '139****5678', 收货地址: '广东省 深圳市 南山区' });
    }
  });

  it('exports every row the filter selects (no cap), and refuses bad input with 400', async () => {
    // every order line: 2 + 1 + 5 paid and 1 unpaid
    const all = await fetchFile(app, '/api/admin/orders/export', hq.owner.token);
    expect(all.status).toBe(200);
    expect(records(parseCsv(all.buffer))).toHaveLength(9);
    // earnings: two levels on each of 2 + 1 + 5 lines = 16
    expect(records(parseCsv((await fetchFile(app, '/api/admin/commissions/export', hq.finance.token)).buffer))).toHaveLength(16);
    expect(records(parseCsv((await fetchFile(app, `/api/admin/commissions/export?earnerId=${mid.id}`, hq.finance.token)).buffer))).toHaveLength(8);
    // a filter selecting nothing is a file with the header only
    const none = parseCsv((await fetchFile(app, '/api/admin/orders/export?from=2030-01-01', hq.owner.token)).buffer);
    expect(none).toHaveLength(1);
    expect(none[0]![0]).toBe('订单号');
    expect(await xlsxRows((await fetchFile(app, '/api/admin/payouts/export?format=xlsx&from=2030-01-01', hq.owner.token)).buffer)).toHaveLength(1);
    for (const query of ['from=2026-02-30', 'to=2026-13-01', 'from=20261120', 'from=2026-11-21&to=2026-11-20', 'format=pdf', 'status=unknown', 'lang=fr']) {
      const bad = await fetchFile(app, `/api/admin/orders/export?${query}`, hq.owner.token);
      expect(bad.status, query).toBe(400);
      expect(bad.json.code, query).toBe('VALIDATION_FAILED');
    }
    for (const url of ['/api/admin/commissions/export?earnerId=abc', '/api/admin/commissions/export?kind=bonus', '/api/admin/payouts/export?to=2026-11-31']) {
      expect((await fetchFile(app, url, hq.finance.token)).status, url).toBe(400);
    }
  });

  it('exports earnings with their base, rate, amount and reversal, matching the earnings list', async () => {
    const res = await fetchFile(app, '/api/admin/commissions/export?from=2026-11-20&to=2026-11-20', hq.auditor.token);
    expect(res.status).toBe(200);
    const rows = records(parseCsv(res.buffer));
    const listed = (await call(app, 'GET', '/api/admin/commission/earnings?limit=100', { token: hq.owner.token })).body.items.filter((e: { orderId: number }) => [first.id, second.id].includes(e.orderId));
    expect(rows).toHaveLength(listed.length);
    expect(rows).toHaveLength(6);
    expect(sumYuan(rows.map((r) => r['佣金(元)']))).toBe(listed.reduce((s: number, e: { amountFen: number }) => s + e.amountFen, 0));
    expect(sumYuan(rows.map((r) => r['已冲回(元)']))).toBe(listed.reduce((s: number, e: { reversedFen: number }) => s + e.reversedFen, 0));
    expect(sumYuan(rows.map((r) => r['已冲回(元)']))).toBeGreaterThan(0);
    const teaLevelOne = rows.find((r) => r['订单号'] === first.orderNo && r['层级'] === '1' && r['计算基数(元)'] === yuan(refundedLine.paidFen))!;
    expect(teaLevelOne).toMatchObject({ 类型: '分销佣金', 获得者ID: String(mid.id), 买家ID: String(buyer.id), 比例: '10.00%', '佣金(元)': yuan(Math.floor(refundedLine.paidFen / 10)), 状态: '待结算', 产生时间: '2026-11-20 12:00:00', 冻结至: '' });
    expect(Number(teaLevelOne['已冲回(元)'])).toBeGreaterThan(0);
    // filters: kind and state
    expect(parseCsv((await fetchFile(app, '/api/admin/commissions/export?from=2026-11-20&to=2026-11-20&kind=agent_sales', hq.owner.token)).buffer)).toHaveLength(1);
    const top2 = records(parseCsv((await fetchFile(app, `/api/admin/commissions/export?earnerId=${top.id}&state=pending&from=2026-11-20&to=2026-11-20`, hq.owner.token)).buffer));
    expect(top2.map((r) => r['层级'])).toEqual(['2', '2', '2']);
  });

  it('exports withdrawals with masked destinations, fee, net and reviewer, never the whole account', async () => {
    const res = await fetchFile(app, '/api/admin/payouts/export?format=xlsx&from=2026-11-22&to=2026-11-22', hq.finance.token);
    expect(res.status).toBe(200);
    const rows = records(await xlsxRows(res.buffer));
    expect(rows).toHaveLength(2);
    const bank = rows.find((r) => r['渠道'] === '银行卡')!;
    const alipay = rows.find((r) => r['渠道'] === '支付宝')!;
    expect(bank).toMatchObject({ 会员ID: mid.id, 会员昵称: '链2', '提现金额(元)': 50, '手续费(元)': 0.5, '实发金额(元)': 49.5, 状态: '待审核', 申请时间: '2026-11-22 12:00:00', 审核人: null });
    expect(String(bank['收款账户'])).toMatch(/^张\*丰 招商银行 \*+0123$/);
    expect(alipay).toMatchObject({ 状态: '已到账', '提现金额(元)': 30, 审核人: `hq-finance #${hq.finance.id}` });
    expect(alipay['审核时间']).toBe('2026-11-22 12:00:00');
    const csv = (await fetchFile(app, '/api/admin/payouts/export?status=reviewing', hq.owner.token)).buffer.toString('utf8');
    expect(records(parseCsv(Buffer.from(csv))).map((r) => r['状态'])).toEqual(['待审核']);
    for (const text of [csv, JSON.stringify(rows)]) {
      expect(text).not.toContain(accountNo);
      expect(text).not.toContain('张三丰');
      expect(text).not.toContain('mid-member@example.com');
    }
  });

  it('lets only the roles that may see the money export it', async () => {
    for (const role of ['operator', 'support'] as const) {
      for (const url of ['/api/admin/commissions/export', '/api/admin/payouts/export']) {
        const res = await fetchFile(app, url, hq[role].token);
        expect(res.status, `${role} ${url}`).toBe(403);
        expect(res.json.code).toBe('ROLE_FORBIDDEN');
      }
    }
    expect((await fetchFile(app, '/api/admin/payouts/export', hq.auditor.token)).status).toBe(200);
    expect((await fetchFile(app, `/api/admin/orders/export?q=${first.orderNo}`, hq.finance.token)).status).toBe(200);
    expect((await fetchFile(app, '/api/admin/orders/export', buyer.token)).status).toBe(403);
    expect((await app.http.inject({ method: 'GET', url: '/api/admin/orders/export' })).statusCode).toBe(401);
  });

  it('writes every export to the audit log with its actor and filter', async () => {
    await fetchFile(app, '/api/admin/orders/export?status=paid&from=2026-11-20&to=2026-11-20&format=xlsx', hq.operator.token);
    const orders = (await call(app, 'GET', '/api/admin/audit-log?action=export.orders&limit=1', { token: hq.auditor.token })).body.items[0];
    expect(orders).toMatchObject({ actorId: hq.operator.id, action: 'export.orders', targetType: 'export', targetId: 'orders', after: { status: 'paid', from: '2026-11-20', to: '2026-11-20', format: 'xlsx', rows: 3 } });
    const payouts = (await call(app, 'GET', '/api/admin/audit-log?action=export.payouts&limit=50', { token: hq.owner.token })).body.items;
    expect(payouts.some((e: { actorId: number; after: { status?: string } }) => e.actorId === hq.owner.id && e.after.status === 'reviewing')).toBe(true);
    const commissions = (await call(app, 'GET', '/api/admin/audit-log?action=export.commissions&limit=50', { token: hq.owner.token })).body.items;
    expect(commissions.some((e: { actorId: number; after: { earnerId?: number } }) => e.actorId === hq.finance.id && e.after.earnerId === mid.id)).toBe(true);
    expect(commissions.find((e: { actorId: number; after: { earnerId?: number } }) => e.actorId === hq.finance.id && e.after.earnerId === mid.id).after).toMatchObject({ format: 'csv', rows: 8 });
    // a refused export (bad input, wrong role) is not recorded as one
    const before = (await call(app, 'GET', '/api/admin/audit-log?action=export.orders&limit=200', { token: hq.owner.token })).body.items.length;
    expect((await fetchFile(app, '/api/admin/orders/export?from=2026-02-30', hq.owner.token)).status).toBe(400);
    expect((await fetchFile(app, '/api/admin/orders/export', buyer.token)).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/audit-log?action=export.orders&limit=200', { token: hq.owner.token })).body.items.length).toBe(before);
  });
});
