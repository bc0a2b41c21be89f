// WeChat Pay trade bills through the real client against the fake: a clean day, every kind of planted
// difference, idempotent refetch, a bill not ready, provider failures, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, nextDayAt } from '../../src/modules/statements/days.js';
import { call, hqMember } from '../support/api.js';
import { describeEachDatabase } from '../support/harness.js';
import { beijingToday, differencesOf, fetchBill, paidHereOnly, paidOrder, paidThereOnly, refundAtProvider, refunded, setClock, startStatementsWorld, syncClock, type StatementsWorld } from './kit.js';

const pick = (ds: Array<Record<string, any>>, kind: string, reference: string) => ds.find((d) => d.kind === kind && d.reference === reference);

describeEachDatabase('statements: WeChat Pay trade bill', (kind) => {
  let w: StatementsWorld;
  let day: string;
  beforeAll(async () => {
    w = await startStatementsWorld(kind);
    day = beijingToday();
  });
  afterAll(() => w.close());
  /** the day's bill is due (after 10:00 Beijing the next day) */
  const billDue = () => setClock(w.app, new Date(nextDayAt(day, 10).getTime() + 60_000));

  it('a clean day: every line matches, the bill is stored with its counts and totals, no differences', async () => {
    const a = await paidOrder(w, 'wechatpay', 1999);
    const b = await paidOrder(w, 'wechatpay', 500);
    const refundNo = await refunded(w, a, 999);
    billDue();
    const res = await fetchBill(w, 'wechatpay', day);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ provider: 'wechatpay', date: day, lineCount: 3, differenceCount: 0 });
    expect(await differencesOf(w, 'wechatpay', day)).toEqual([]);

    const list = await call(w.app, 'GET', `/api/admin/statements?provider=wechatpay&from=${day}&to=${day}`, { token: w.finance.token });
    expect(list.status).toBe(200);
    expect(list.body.providers).toEqual([{ provider: 'wechatpay', configured: true }, { provider: 'alipay', configured: true }]);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ provider: 'wechatpay', billDate: day, status: 'fetched', lineCount: 3, paymentCount: 2, paymentTotalFen: 2499, refundCount: 1, refundTotalFen: 999, differenceCount: 0, openDifferenceCount: 0 });
    expect(list.body.items[0].providerSummary).toMatchObject({ tradeCount: 3, refundTotalFen: 999 });
    const lines = await w.app.services.db.selectFrom('statement_lines').select(['kind', 'out_trade_no', 'out_refund_no', 'amount_fen']).where('bill_id', '=', list.body.items[0].id).orderBy('seq').execute();
    expect(lines).toEqual(expect.arrayContaining([
      { kind: 'payment', out_trade_no: a.outTradeNo, out_refund_no: null, amount_fen: 1999 },
      { kind: 'payment', out_trade_no: b.outTradeNo, out_refund_no: null, amount_fen: 500 },
      { kind: 'refund', out_trade_no: a.outTradeNo, out_refund_no: refundNo, amount_fen: 999 },
    ]));
    // the manual fetch is audited
    const audit = await w.app.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'statement.fetch').where('target_id', '=', `wechatpay:${day}`).execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit.at(-1)!.actor_id).toBe(w.finance.id);
  });

  it('every planted difference is listed with our record, their line and both amounts; a refetch replaces the result', async () => {
    syncClock(w.app);
    const amount = await paidOrder(w, 'wechatpay', 3000);
    const dropped = await paidOrder(w, 'wechatpay', 700);
    const lost = await paidThereOnly(w, 'wechatpay', 1200);
    const ghost = await paidHereOnly(w, 'wechatpay', 800);
    const refundedHereOnly = await paidOrder(w, 'wechatpay', 900);
    const refundHere = await refunded(w, refundedHereOnly, 100, { atProvider: false });
    const strangeRefund = await paidOrder(w, 'wechatpay', 600);
    await refundAtProvider(w, strangeRefund, 'RFOREIGN000000001', 50);
    const refundAmount = await paidOrder(w, 'wechatpay', 1000);
    const refundAmountNo = await refunded(w, refundAmount, 300);
    w.wechat.plantBillDifference(day, { outTradeNo: amount.outTradeNo, set: { orderFen: 3100, settledFen: 3100 } });
    w.wechat.plantBillDifference(day, { remove: dropped.outTradeNo });
    w.wechat.plantBillDifference(day, { add: { outTradeNo: 'PUNKNOWN00000000001', orderFen: 4200, settledFen: 4200 } });
    w.wechat.plantBillDifference(day, { outTradeNo: refundAmount.outTradeNo, set: { refundFen: 350 } });
    billDue();

    const res = await fetchBill(w, 'wechatpay', day);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ds = await differencesOf(w, 'wechatpay', day);
    expect(pick(ds, 'amount_differs', amount.outTradeNo)).toMatchObject({ recordType: 'payment', recordId: amount.paymentId, ourFen: 3000, theirFen: 3100, resolved: false });
    expect(pick(ds, 'missing_there', dropped.outTradeNo)).toMatchObject({ recordType: 'payment', ourFen: 700, theirFen: null, lineSeq: null });
    expect(pick(ds, 'missing_there', ghost.outTradeNo)).toMatchObject({ ourFen: 800 });
    expect(pick(ds, 'missing_here', 'PUNKNOWN00000000001')).toMatchObject({ recordType: null, ourFen: null, theirFen: 4200, theirState: 'SUCCESS' });
    expect(pick(ds, 'state_differs', lost.outTradeNo)).toMatchObject({ recordType: 'payment', ourState: 'created', theirState: 'SUCCESS', ourFen: 1200, theirFen: 1200 });
    expect(pick(ds, 'missing_there', refundHere)).toMatchObject({ recordType: 'refund', ourFen: 100, outTradeNo: refundedHereOnly.outTradeNo });
    expect(pick(ds, 'missing_here', 'RFOREIGN000000001')).toMatchObject({ theirFen: 50, outTradeNo: strangeRefund.outTradeNo });
    expect(pick(ds, 'amount_differs', refundAmountNo)).toMatchObject({ recordType: 'refund', ourFen: 300, theirFen: 350 });
    expect(ds).toHaveLength(8);
    expect(res.body.differenceCount).toBe(8);

    // refetching the same day replaces lines and differences: nothing doubles
    const bill = await w.app.services.db.selectFrom('statement_bills').select(['id', 'line_count']).where('provider', '=', 'wechatpay').where('bill_date', '=', day).executeTakeFirstOrThrow();
    const again = await fetchBill(w, 'wechatpay', day);
    expect(again.body).toMatchObject({ billId: bill.id, lineCount: bill.line_count, differenceCount: 8 });
    const lines = await w.app.services.db.selectFrom('statement_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('bill_id', '=', bill.id).executeTakeFirstOrThrow();
    expect(Number(lines.n)).toBe(bill.line_count);
    const again2 = await differencesOf(w, 'wechatpay', day);
    expect(again2.map((d) => [d.kind, d.reference]).sort()).toEqual(ds.map((d) => [d.kind, d.reference]).sort());

    // reconciliation lists the open differences beside its other checks
    const recon = await call(w.app, 'GET', '/api/admin/reconciliation', { token: w.finance.token });
    const check = recon.body.checks.find((c: { name: string }) => c.name === 'statement_differences');
    expect(check.differences.length).toBeGreaterThanOrEqual(8);
    expect(recon.body.ok).toBe(false);
  });

  it('finance settles a difference with a note (audited); it stays settled across a refetch; auditors read but cannot', async () => {
    const ds = await differencesOf(w, 'wechatpay', day);
    const target = ds.find((d) => d.kind === 'missing_here')!;
    const auditor = await hqMember(w.app, 'auditor');
    expect((await call(w.app, 'POST', `/api/admin/statements/differences/${target.id}/resolve`, { token: auditor.token, body: { note: '测试' } })).status).toBe(403);
    const res = await call(w.app, 'POST', `/api/admin/statements/differences/${target.id}/resolve`, { token: w.finance.token, body: { note: '微信补单，已人工核对' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: target.id, resolved: true, changed: true });
    expect((await call(w.app, 'POST', `/api/admin/statements/differences/${target.id}/resolve`, { token: w.finance.token, body: { note: '再次' } })).body.changed).toBe(false);
    await fetchBill(w, 'wechatpay', day);
    const after = await differencesOf(w, 'wechatpay', day, auditor.token);
    expect(pick(after, 'missing_here', target.reference)).toMatchObject({ resolved: true, resolutionNote: '微信补单，已人工核对', resolvedBy: w.finance.id });
    const open = await call(w.app, 'GET', `/api/admin/statements/differences?provider=wechatpay&date=${day}&status=open`, { token: auditor.token });
    expect(open.body.items).toHaveLength(after.length - 1);
    const audit = await w.app.services.db.selectFrom('audit_log').select(['actor_id', 'reason']).where('action', '=', 'statement.difference_resolved').execute();
    expect(audit).toEqual([{ actor_id: w.finance.id, reason: '微信补单，已人工核对' }]);
  });

  it('a bill still being made is not ready (409, kept for the retry); provider failures are 503/502 with a code', async () => {
    const earlier = addDays(day, -1);
    w.wechat.failNext('/v3/bill/tradebill', { status: 400, code: 'STATEMENT_CREATING', message: '账单生成中' });
    const res = await fetchBill(w, 'wechatpay', earlier);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('STATEMENT_NOT_READY');
    expect(res.body.retryAfterSeconds).toBeGreaterThan(0);
    const row = await w.app.services.db.selectFrom('statement_bills').selectAll().where('provider', '=', 'wechatpay').where('bill_date', '=', earlier).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'not_ready', last_error: 'STATEMENT_CREATING', attempts: 1 });
    expect(row.next_attempt_at!.getTime()).toBeGreaterThan(w.app.clock.now().getTime());

    w.wechat.failNext('/v3/bill/tradebill', { status: 500, code: 'SYSTEM_ERROR' });
    const busy = await fetchBill(w, 'wechatpay', day);
    expect([busy.status, busy.body.code]).toEqual([503, 'STATEMENT_PROVIDER_UNAVAILABLE']);
    w.wechat.failNext('/v3/bill/tradebill', { status: 400, code: 'PARAM_ERROR' });
    const refused = await fetchBill(w, 'wechatpay', day);
    expect([refused.status, refused.body.code]).toEqual([502, 'STATEMENT_PROVIDER_REFUSED']);
    w.wechat.tamperNextResponse({ path: '/v3/billdownload/file' });
    const tampered = await fetchBill(w, 'wechatpay', day);
    expect([tampered.status, tampered.body.code]).toEqual([503, 'STATEMENT_PROVIDER_UNAVAILABLE']);
    // a failed refetch keeps the day's stored result
    const kept = await w.app.services.db.selectFrom('statement_bills').select(['status', 'last_error']).where('provider', '=', 'wechatpay').where('bill_date', '=', day).executeTakeFirstOrThrow();
    expect(kept).toEqual({ status: 'fetched', last_error: 'BILL_HASH_MISMATCH' });
    expect((await differencesOf(w, 'wechatpay', day)).length).toBeGreaterThan(0);
  });

  it('dates: malformed, today and the future are DATE_INVALID; the latest bill is yesterday', async () => {
    const today = addDays(day, 1); // the clock is on the next day now
    for (const date of ['2026-13-01', '20261119', 'yesterday', today, addDays(today, 5)]) {
      const res = await fetchBill(w, 'wechatpay', date);
      expect([date, res.status, res.body.code]).toEqual([date, 400, 'DATE_INVALID']);
    }
  });

  it('roles: HQ finance, owner and auditor read; only finance and the owner fetch; others are refused', async () => {
    for (const role of ['operator', 'support'] as const) {
      const m = await hqMember(w.app, role);
      expect((await call(w.app, 'GET', '/api/admin/statements', { token: m.token })).status).toBe(403);
      expect((await call(w.app, 'GET', '/api/admin/statements/differences', { token: m.token })).status).toBe(403);
      expect((await fetchBill(w, 'wechatpay', day, m.token)).status).toBe(403);
    }
    const auditor = await hqMember(w.app, 'auditor');
    expect((await call(w.app, 'GET', '/api/admin/statements', { token: auditor.token })).status).toBe(200);
    expect((await fetchBill(w, 'wechatpay', day, auditor.token)).status).toBe(403);
    expect((await fetchBill(w, 'wechatpay', day, w.buyer.token)).status).toBe(403);
    expect((await call(w.app, 'GET', '/api/admin/statements')).status).toBe(401);
    expect((await fetchBill(w, 'wechatpay', day, w.owner.token)).status).toBe(200);
  });
});

describeEachDatabase('statements: a provider not configured', (kind) => {
  let w: StatementsWorld;
  beforeAll(async () => {
    w = await startStatementsWorld(kind, { alipay: false });
  });
  afterAll(() => w.close());

  it('answers PROVIDER_NOT_CONFIGURED and lists it as such', async () => {
    const res = await fetchBill(w, 'alipay', addDays(beijingToday(), -1));
    expect([res.status, res.body.code]).toEqual([400, 'PROVIDER_NOT_CONFIGURED']);
    const list = await call(w.app, 'GET', '/api/admin/statements', { token: w.finance.token });
    expect(list.body.providers).toContainEqual({ provider: 'alipay', configured: false });
    expect((await call(w.app, 'POST', '/api/admin/statements/fetch', { token: w.finance.token, body: { provider: 'paypal', date: '2026-01-01' } })).status).toBe(400);
  });
});

describe('statements: days', () => {
  it('a bill is due at 10:00 Beijing the next day', () => {
    expect(nextDayAt('2026-11-19', 10).toISOString()).toBe('2026-11-20T02:00:00.000Z');
  });
});
