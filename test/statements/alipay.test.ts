// Alipay trade bills through the real client (official SDK) against the gateway fake: the bill exists only
// from the next day (a fetch before is not ready), then every planted difference is listed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nextDayAt } from '../../src/modules/statements/days.js';
import { call } from '../support/api.js';
import { describeEachDatabase } from '../support/harness.js';
import { beijingToday, differencesOf, fetchBill, paidHereOnly, paidOrder, refunded, setClock, startStatementsWorld, type StatementsWorld } from './kit.js';

describeEachDatabase('statements: Alipay trade bill', (kind) => {
  let w: StatementsWorld;
  beforeAll(async () => {
    w = await startStatementsWorld(kind, { wechatpay: false });
  });
  afterAll(() => w.close());

  it('not ready before the next day; then matched: clean lines pass, planted differences are listed', async () => {
    const day = beijingToday();
    const clean = await paidOrder(w, 'alipay', 1234);
    const refundNo = await refunded(w, clean, 34);
    const amount = await paidOrder(w, 'alipay', 100);
    const dropped = await paidOrder(w, 'alipay', 50);
    const ghost = await paidHereOnly(w, 'alipay', 70);
    w.alipay.plantBillDifference({ kind: 'amount', outTradeNo: amount.outTradeNo, amountFen: 200 });
    w.alipay.plantBillDifference({ kind: 'drop', outTradeNo: dropped.outTradeNo });
    w.alipay.plantBillDifference({ kind: 'extra', outTradeNo: 'PALIPAYONLY0000001', amountFen: 999 });

    // our day is over, Alipay's (the fake's clock) is not: no bill yet, and what we have that day waits for it
    setClock(w.app, new Date(nextDayAt(day, 9).getTime() + 60_000));
    const early = await fetchBill(w, 'alipay', day);
    expect([early.status, early.body.code]).toEqual([409, 'STATEMENT_NOT_READY']);

    w.alipay.advanceClock(24 * 3_600_000);
    const res = await fetchBill(w, 'alipay', day);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ds = await differencesOf(w, 'alipay', day);
    const by = (k: string, ref: string) => ds.find((d) => d.kind === k && d.reference === ref);
    expect(by('amount_differs', amount.outTradeNo)).toMatchObject({ recordType: 'payment', ourFen: 100, theirFen: 200 });
    expect(by('missing_there', dropped.outTradeNo)).toMatchObject({ recordType: 'payment', ourFen: 50, theirFen: null });
    expect(by('missing_there', ghost.outTradeNo)).toMatchObject({ ourFen: 70 });
    expect(by('missing_here', 'PALIPAYONLY0000001')).toMatchObject({ recordType: null, theirFen: 999, theirState: 'SUCCESS' });
    expect(ds.find((d) => d.reference === clean.outTradeNo || d.reference === refundNo)).toBeUndefined();
    expect(ds).toHaveLength(4);

    const list = await call(w.app, 'GET', `/api/admin/statements?provider=alipay&from=${day}&to=${day}`, { token: w.finance.token });
    // 3 trade lines (clean, amount, the extra one; the dropped one gone, the ghost never there) and the refund
    expect(list.body.items[0]).toMatchObject({ provider: 'alipay', status: 'fetched', lineCount: 4, paymentCount: 3, paymentTotalFen: 1234 + 200 + 999, refundCount: 1, refundTotalFen: 34, openDifferenceCount: 4, attempts: 2 });
  });
});
