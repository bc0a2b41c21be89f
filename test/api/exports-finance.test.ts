// The after-sales and ledger exports (issue 15): the after-sales queue as CSV or XLSX with kinds,
// reasons, amounts, the return parcel and the refund number, buyer phones masked by role; the
// ledger's transfers in booking order with both accounts and the business numbers of the providers'
// statements (order, refund, withdrawal and the withdrawal attempt's), checked against the tables
// themselves — every transfer once, the amounts summing to the ledger's — with their filters, roles,
// bad input and audit entries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { fetchFile, parseCsv, records, sumYuan, xlsxRows } from '../support/files.js';

const RETURN_TO = { name: '退货仓', phone: '0755-88886666', address: '广东省深圳市南山区科技园南路 88 号 售后部' };
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const shanghaiDay = (at: Date) => new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describeEachDatabase('exports of after-sales requests and the ledger', (kind) => {
  let app: TestApp;
  const hq: Record<'owner' | 'operator' | 'finance' | 'support' | 'auditor', RegisteredMember> = {} as never;
  let mid: RegisteredMember;
  let buyer: RegisteredMember;
  const orders: Array<{ id: number; orderNo: string; lineId: number }> = [];
  let refundNo: string;
  let payout: { id: number; payoutNo: string };

  beforeAll(async () => {
    app = await startTestApp(kind, {
      rules: { commission: { tierRatesBp: { '1': [1000, 500] }, freezeDays: 7 }, order: { returnShipDays: 5 }, payout: { minAmountFen: 100, autoApproveMaxFen: 0, feeBp: 100 } },
    });
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as const) hq[role] = await hqMember(app, role);
    [, mid, buyer] = await registerChain(app, 3);
    const skuId = (await createProduct(app, hq.owner, [{ priceFen: 10_000 }], '保温杯')).skus[0]!.id;
    for (let i = 0; i < 3; i++) {
      const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      orders.push({ id: order.id, orderNo: order.orderNo, lineId: order.lines[0].id });
    }
    const ask = (n: number, body: object) => call(app, 'POST', `/api/orders/${orders[n]!.id}/refund-requests`, { token: buyer.token, body });
    const review = (id: number, body: object) => call(app, 'POST', `/api/admin/refund-requests/${id}/review`, { token: hq.support.token, body });
    // the first: a refund only, approved (the refund opens and the commission reverses)
    const refundOnly = await ask(0, { kind: 'refund_only', reasonCode: 'quality', lines: [{ lineId: orders[0]!.lineId, amountFen: 4_000 }], reason: '杯盖有划痕' });
    expect((await review(refundOnly.body.id, { approve: true })).body.status).toBe('approved');
    refundNo = (await call(app, 'GET', '/api/admin/refunds?limit=10', { token: hq.owner.token })).body.items.find((r: { orderId: number }) => r.orderId === orders[0]!.id).refundNo;
    // the second: shipped, a return approved and sent back
    await call(app, 'POST', `/api/admin/orders/${orders[1]!.id}/ship`, { token: hq.owner.token, body: { parcels: [{ carrierCode: 'shunfeng', trackingNo: `SF${orders[1]!.id}00000` }] } });
    const ret = await ask(1, { kind: 'return_refund', reasonCode: 'damaged', lines: [{ lineId: orders[1]!.lineId, amountFen: 10_000 }], reason: '外箱压坏' });
    expect((await review(ret.body.id, { approve: true, returnAddress: RETURN_TO })).status).toBe(200);
    expect((await call(app, 'POST', `/api/refund-requests/${ret.body.id}/return`, { token: buyer.token, body: { carrierCode: 'zhongtong', trackingNo: 'ZT0099887766' } })).status).toBe(200);
    // the third: pending, a day later
    app.clock.advanceDays(1);
    expect((await ask(2, { kind: 'refund_only', reasonCode: 'no_longer_needed', lines: [{ lineId: orders[2]!.lineId, amountFen: 10_000 }], reason: '拍错了' })).status).toBe(201);
    // money out: an adjustment, and a withdrawal approved and paid
    expect((await call(app, 'POST', '/api/admin/adjustments', { token: hq.finance.token, body: { memberId: mid.id, amountFen: 20_000, reason: '活动奖励', idempotencyKey: `ledger-export-adjust-${kind}` } })).status).toBe(201);
    const asked = await call(app, 'POST', '/api/me/payouts', { token: mid.token, body: { amountFen: 3_000, channel: 'alipay', destination: { account: 'mid@example.com', realName: '张三丰' }, idempotencyKey: `ledger-export-payout-${kind}` } });
    expect((await call(app, 'POST', `/api/admin/payouts/${asked.body.id}/approve`, { token: hq.finance.token })).body.status).toBe('paid');
    payout = asked.body;
  });
  afterAll(async () => app?.close());

  it('exports the after-sales queue with kinds, reasons, amounts, the return parcel and the refund number', async () => {
    const res = await fetchFile(app, '/api/admin/refund-requests/export', hq.owner.token);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.disposition).toMatch(/attachment; filename="after-sales-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = records(parseCsv(res.buffer));
    // newest first
    expect(rows.map((r) => r['订单号'])).toEqual([orders[2]!.orderNo, orders[1]!.orderNo, orders[0]!.orderNo]);
    expect(rows[2]).toMatchObject({ 类型: '仅退款', 原因: '质量问题', 买家说明: '杯盖有划痕', 状态: '已退款', '申请金额(元)': '40.00', 退款单号: refundNo, 退款状态: '退款成功', '退款金额(元)': '40.00', 买家ID: String(buyer.id), 买家手机号: buyer.phone, 申请时间: '2026-11-20 12:00:00', 退货单号: '' });
    expect(rows[1]).toMatchObject({ 类型: '退货退款', 原因: '商品破损', 状态: '退货中', '申请金额(元)': '100.00', 退款单号: '', 退货单号: 'ZT0099887766' });
    expect(rows[1]!['退货快递']).not.toBe('');
    expect(rows[1]!['寄回截止']).toMatch(/^2026-11-2\d \d\d:\d\d:\d\d$/);
    expect(rows[0]).toMatchObject({ 原因: '不想要了（七天无理由）', 状态: '待审核', 申请时间: '2026-11-21 12:00:00', 审核时间: '' });
    // the queue's filters, the day range, English and XLSX
    expect(records(parseCsv((await fetchFile(app, '/api/admin/refund-requests/export?status=pending', hq.owner.token)).buffer)).map((r) => r['订单号'])).toEqual([orders[2]!.orderNo]);
    expect(records(parseCsv((await fetchFile(app, '/api/admin/refund-requests/export?kind=return_refund', hq.owner.token)).buffer))).toHaveLength(1);
    expect(records(parseCsv((await fetchFile(app, '/api/admin/refund-requests/export?from=2026-11-20&to=2026-11-20', hq.owner.token)).buffer))).toHaveLength(2);
    const en = records(await xlsxRows((await fetchFile(app, '/api/admin/refund-requests/export?format=xlsx&lang=en&status=approved', hq.owner.token)).buffer));
    expect(en).toEqual([expect.objectContaining({ 'Order no': orders[0]!.orderNo, Kind: 'Refund only', Status: 'Refunded', 'Requested (CNY)': 40, 'Refund (CNY)': 40, 'Refund no': refundNo })]);
  });

  it('masks buyer phones in the after-sales file as the role sees them; every HQ role may export it', async () => {
    const phoneAs = async (role: keyof typeof hq) => records(parseCsv((await fetchFile(app, '/api/admin/refund-requests/export?status=pending', hq[role].token)).buffer))[0]!['买家手机号'];
    expect(await phoneAs('support')).toBe(buyer.phone);
    for (const role of ['operator', 'finance', 'auditor'] as const) expect(await phoneAs(role)).toBe(masked(buyer.phone));
    expect((await fetchFile(app, '/api/admin/refund-requests/export', buyer.token)).status).toBe(403);
    expect((await fetchFile(app, '/api/admin/refund-requests/export?status=open', hq.owner.token)).status).toBe(400);
  });

  it('exports every ledger transfer once, in booking order, amounts summing to the ledger’s', async () => {
    const res = await fetchFile(app, '/api/admin/ledger/export', hq.finance.token);
    expect(res.status).toBe(200);
    expect(res.disposition).toMatch(/attachment; filename="ledger-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = records(parseCsv(res.buffer));
    const ledger = await app.services.db.selectFrom('ledger_transfers').select(['id', 'amount_fen']).orderBy('id').execute();
    expect(rows.map((r) => Number(r['流水ID']))).toEqual(ledger.map((t) => t.id));
    expect(sumYuan(rows.map((r) => r['金额(元)']))).toBe(ledger.reduce((s, t) => s + t.amount_fen, 0));
    const earn = rows.find((r) => r['业务代码'] === 'commission.earn' && r['转入会员ID'] === String(mid.id))!;
    expect(earn).toMatchObject({ 摘要: '分销佣金入账', 转出账户类型: '平台佣金支出', 转出会员ID: '', 转入账户类型: '待结算佣金', 转入会员昵称: '链2', 关联类型: 'commission_earning', 退款单号: '', 提现单号: '' });
    expect(orders.map((o) => o.orderNo)).toContain(earn['订单号']);
    // the refund's reversals carry its number and the order's
    const reversals = rows.filter((r) => r['业务代码'] === 'commission.reverse');
    expect(reversals.length).toBeGreaterThan(0);
    for (const r of reversals) expect(r).toMatchObject({ 退款单号: refundNo, 订单号: orders[0]!.orderNo, 摘要: '佣金冲回（退款）' });
    // the withdrawal: reserved, paid and its fee, each with the payout number and its attempt's business number at the provider
    const attempt = await app.services.db.selectFrom('payout_transfers').select('business_no').where('payout_id', '=', payout.id).executeTakeFirstOrThrow();
    const ofPayout = rows.filter((r) => r['提现单号'] === payout.payoutNo);
    expect(ofPayout.map((r) => r['业务代码']).sort()).toEqual(['payout.fee', 'payout.paid', 'payout.reserve']);
    for (const r of ofPayout) expect(r['打款业务单号']).toBe(attempt.business_no);
    expect(ofPayout.find((r) => r['业务代码'] === 'payout.paid')).toMatchObject({ '金额(元)': '29.70', 转出账户类型: '提现中', 转出会员ID: String(mid.id), 转入账户类型: '平台提现清算' });
    expect(rows.find((r) => r['业务代码'] === 'commission.adjust')).toMatchObject({ '金额(元)': '200.00', 摘要: '人工调整', 备注: '活动奖励', 关联类型: 'member', 关联ID: String(mid.id) });
  });

  it('filters the ledger by code, member and day, in XLSX and English too', async () => {
    const csv = async (query: string) => records(parseCsv((await fetchFile(app, `/api/admin/ledger/export?${query}`, hq.auditor.token)).buffer));
    expect((await csv('code=payout.reserve')).map((r) => r['提现单号'])).toEqual([payout.payoutNo]);
    const accounts = (await app.services.db.selectFrom('ledger_accounts').select('id').where('owner_type', '=', 'member').where('owner_id', '=', mid.id).execute()).map((a) => a.id);
    const touching = await app.services.db.selectFrom('ledger_transfers').select('id').where((eb) => eb.or([eb('from_account_id', 'in', accounts), eb('to_account_id', 'in', accounts)])).orderBy('id').execute();
    expect((await csv(`memberId=${mid.id}`)).map((r) => Number(r['流水ID']))).toEqual(touching.map((t) => t.id));
    expect(await csv('from=2030-01-01')).toEqual([]);
    // transfers are booked at the database's time: the day range is checked against theirs
    const booked = await app.services.db.selectFrom('ledger_transfers').select(['id', 'created_at']).orderBy('id').execute();
    const day = shanghaiDay(booked[0]!.created_at);
    const thatDay = booked.filter((t) => shanghaiDay(t.created_at) === day).map((t) => t.id);
    expect(thatDay.length).toBeGreaterThan(0);
    expect((await csv(`from=${day}&to=${day}`)).map((r) => Number(r['流水ID']))).toEqual(thatDay);
    const en = records(await xlsxRows((await fetchFile(app, '/api/admin/ledger/export?format=xlsx&lang=en&code=commission.adjust', hq.owner.token)).buffer));
    expect(en).toEqual([expect.objectContaining({ Code: 'commission.adjust', Description: 'Manual adjustment', 'Amount (CNY)': 200, 'To member ID': mid.id, 'To account kind': 'Available balance' })]);
  });

  it('lets only owner, finance and auditor export the ledger, refuses bad input, and audits each export with its row count', async () => {
    for (const role of ['operator', 'support'] as const) {
      const res = await fetchFile(app, '/api/admin/ledger/export', hq[role].token);
      expect(res.status, role).toBe(403);
      expect(res.json.code).toBe('ROLE_FORBIDDEN');
    }
    for (const query of ['code=DROP%20TABLE', 'memberId=abc', 'from=2026-11-31', 'format=pdf']) expect((await fetchFile(app, `/api/admin/ledger/export?${query}`, hq.owner.token)).status, query).toBe(400);
    const rows = records(parseCsv((await fetchFile(app, `/api/admin/ledger/export?memberId=${mid.id}&format=csv`, hq.auditor.token)).buffer)).length;
    const ledger = (await call(app, 'GET', '/api/admin/audit-log?action=export.ledger&limit=1', { token: hq.owner.token })).body.items[0];
    expect(ledger).toMatchObject({ actorId: hq.auditor.id, action: 'export.ledger', targetType: 'export', targetId: 'ledger', after: { memberId: mid.id, format: 'csv', rows } });
    expect(ledger.after.incomplete).toBeUndefined();
    await fetchFile(app, '/api/admin/refund-requests/export?status=pending&format=xlsx', hq.operator.token);
    const queue = (await call(app, 'GET', '/api/admin/audit-log?action=export.refund_requests&limit=1', { token: hq.owner.token })).body.items[0];
    expect(queue).toMatchObject({ actorId: hq.operator.id, targetId: 'refund_requests', after: { status: 'pending', format: 'xlsx', rows: 1 } });
  });
});
