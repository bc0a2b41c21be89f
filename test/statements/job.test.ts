// The daily job: yesterday's bills (Beijing) once each is due, once per provider per day across instances,
// a bill not ready retried later (not before), and no bill at all an empty one only once the day is long past.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, nextDayAt } from '../../src/modules/statements/days.js';
import { StatementsService } from '../../src/modules/statements/service.js';
import { describeEachDatabase } from '../support/harness.js';
import { beijingToday, differencesOf, fetchBill, paidOrder, setClock, startStatementsWorld, type StatementsWorld } from './kit.js';

const BILL_URL_METHOD = 'alipay.data.dataservice.bill.downloadurl.query';

describeEachDatabase('statements: the daily job', (kind) => {
  let w: StatementsWorld;
  beforeAll(async () => {
    w = await startStatementsWorld(kind);
  });
  afterAll(() => w.close());

  const bill = (provider: 'wechatpay' | 'alipay', day: string) => w.app.services.db.selectFrom('statement_bills').selectAll().where('provider', '=', provider).where('bill_date', '=', day).executeTakeFirst();
  const wechatBillCalls = () => w.wechat.requests.filter((r) => r.path === '/v3/bill/tradebill').length;
  const alipayBillCalls = () => w.alipay.requests.filter((r) => r.method === BILL_URL_METHOD).length;

  it('fetches each due day once, on any number of instances, and retries a bill not ready only when its retry is due', async () => {
    const day = beijingToday();
    await paidOrder(w, 'wechatpay', 1500);
    await paidOrder(w, 'alipay', 2500);
    const job = w.app.services.extensions.jobs.find((j) => j.name === 'statements.fetch')!;
    expect(job).toBeDefined();

    // 09:59 the next day: Alipay's bill is due (09:00) but the fake has not made it; WeChat's is not due (10:00)
    setClock(w.app, new Date(nextDayAt(day, 10).getTime() - 60_000));
    await job.run();
    expect(await bill('wechatpay', day)).toBeUndefined();
    expect(await bill('alipay', day)).toMatchObject({ status: 'not_ready', last_error: 'isp.bill_not_exist', attempts: 1 });
    // the days before had no trades: their bills are empty (WeChat answers NO_STATEMENT_EXIST for them)
    expect(await bill('wechatpay', addDays(day, -1))).toMatchObject({ status: 'fetched', line_count: 0 });
    expect(await bill('alipay', addDays(day, -1))).toMatchObject({ status: 'fetched', line_count: 0 });

    // the bill exists now, but the retry is not due yet: nothing is asked
    w.alipay.advanceClock(24 * 3_600_000);
    const asked = alipayBillCalls();
    await job.run();
    expect(alipayBillCalls()).toBe(asked);

    // 10:31: both due; two instances run at once and each day is fetched once
    setClock(w.app, new Date(nextDayAt(day, 10).getTime() + 31 * 60_000));
    const other = new StatementsService(w.app.services.db, w.app.clock, w.app.services.audit, w.app.services.clients, w.app.services.log);
    const [wechatBefore, alipayBefore] = [wechatBillCalls(), alipayBillCalls()];
    const results = await Promise.all([w.app.services.statements.runDue(), other.runDue(), w.app.services.statements.runDue()]);
    expect(results.reduce((s, r) => s + r.fetched, 0)).toBe(2);
    expect(wechatBillCalls() - wechatBefore).toBe(1);
    expect(alipayBillCalls() - alipayBefore).toBe(1);
    expect(await bill('wechatpay', day)).toMatchObject({ status: 'fetched', line_count: 1, payment_total_fen: 1500, difference_count: 0, claimed_until: null });
    expect(await bill('alipay', day)).toMatchObject({ status: 'fetched', line_count: 1, payment_total_fen: 2500, difference_count: 0, attempts: 2 });

    // done days are never fetched again by the job
    await job.run();
    expect([wechatBillCalls(), alipayBillCalls()]).toEqual([wechatBefore + 1, alipayBefore + 1]);
  });

  it('a crashed instance\'s claim runs out: another takes the day after it', async () => {
    const day = addDays(beijingToday(), 1);
    // a claim held by an instance that died before storing anything
    const now = w.app.clock.now();
    await w.app.services.db.insertInto('statement_bills').values({ provider: 'wechatpay', bill_date: day, status: 'pending', claimed_until: new Date(now.getTime() + 10 * 60_000), created_at: now, updated_at: now }).execute();
    setClock(w.app, new Date(nextDayAt(day, 10).getTime() + 60_000));
    const claimedAt = w.app.clock.now();
    await w.app.services.db.updateTable('statement_bills').set({ claimed_until: new Date(claimedAt.getTime() + 5 * 60_000) }).where('provider', '=', 'wechatpay').where('bill_date', '=', day).execute();
    const before = wechatBillCalls();
    await w.app.services.statements.runDue();
    expect(wechatBillCalls()).toBe(before);
    w.app.clock.advanceMs(6 * 60_000);
    await w.app.services.statements.runDue();
    expect(wechatBillCalls()).toBe(before + 1);
    expect(await bill('wechatpay', day)).toMatchObject({ status: 'fetched', line_count: 0 });
  });
});

describeEachDatabase('statements: no bill while we have money that day', (kind) => {
  let w: StatementsWorld;
  beforeAll(async () => {
    w = await startStatementsWorld(kind, { alipay: false });
  });
  afterAll(() => w.close());

  it('is not ready (retried), and once the day is long past an empty bill: every record of ours is missing there', async () => {
    const day = beijingToday();
    const p = await paidOrder(w, 'wechatpay', 880);
    w.wechat.plantBillDifference(day, { remove: p.outTradeNo });
    setClock(w.app, new Date(nextDayAt(day, 10).getTime() + 60_000));
    const res = await fetchBill(w, 'wechatpay', day);
    expect([res.status, res.body.code]).toEqual([409, 'STATEMENT_NOT_READY']);
    await w.app.services.statements.runDue();
    expect((await w.app.services.db.selectFrom('statement_bills').select(['status', 'last_error']).where('bill_date', '=', day).executeTakeFirstOrThrow())).toEqual({ status: 'not_ready', last_error: 'NO_STATEMENT_EXIST' });

    // three days on, WeChat still has nothing: the day's bill is empty, and our payment is missing from it
    setClock(w.app, new Date(nextDayAt(addDays(day, 2), 0).getTime() + 60_000));
    const outcome = await w.app.services.statements.runDue();
    expect(outcome.fetched).toBeGreaterThanOrEqual(1);
    const ds = await differencesOf(w, 'wechatpay', day);
    expect(ds).toEqual([expect.objectContaining({ kind: 'missing_there', reference: p.outTradeNo, ourFen: 880, theirFen: null })]);
  });
});
