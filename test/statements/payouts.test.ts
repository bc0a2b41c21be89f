// Payouts on the providers' account bills, through the real clients against the fakes: WeChat's 资金账单
// (fundflowbill, basic account) lists the 商家转账 the transfer fake executed, Alipay's 账务明细 (signcustomer)
// the transfers its gateway fake made. A day of confirmed, declined, DEALING-then-failed and refused transfers
// matches clean; a planted difference of each kind is listed as a payout; finance settles one as for payments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlipayAccountBill, parseWechatFundFlow } from '../../src/modules/statements/account-bills.js';
import { nextDayAt } from '../../src/modules/statements/days.js';
import { call } from '../support/api.js';
import { describeEachDatabase } from '../support/harness.js';
import { beijingToday, differencesOf, fetchBill, paidOrder, setClock, startPayoutStatementsWorld, wechatReceiver, type PayoutStatementsWorld } from './kit.js';

type Withdrawal = { payoutId: number; businessNo: string; netFen: number };
const pick = (ds: Array<Record<string, any>>, kind: string, reference: string) => ds.filter((d) => d.kind === kind && d.reference === reference);

describeEachDatabase('statements: payouts on the account bills', (kind) => {
  let w: PayoutStatementsWorld;
  let day: string;
  const wx: Record<string, Withdrawal> = {};
  const ali: Record<string, Withdrawal> = {};
  beforeAll(async () => {
    w = await startPayoutStatementsWorld(kind);
    day = beijingToday();
  });
  afterAll(() => w?.close());

  const billRow = (provider: 'wechatpay' | 'alipay') => w.app.services.db.selectFrom('statement_bills').selectAll().where('provider', '=', provider).where('bill_date', '=', day).executeTakeFirstOrThrow();
  const payoutLines = async (provider: 'wechatpay' | 'alipay') => {
    const bill = await billRow(provider);
    return w.app.services.db.selectFrom('statement_lines').select(['kind', 'out_trade_no', 'provider_txn_id', 'amount_fen']).where('bill_id', '=', bill.id).where('kind', 'in', ['payout', 'payout_return']).orderBy('seq').execute();
  };

  it('a day of WeChat and Alipay transfers matches clean: paid out, declined and given back, failed after DEALING, refused', async () => {
    // a payment too: its 交易 line on the 资金账单 is matched on the trade bill, not as a payout
    await paidOrder(w, 'wechatpay', 1_500);
    wx.a = await w.wechatWithdrawal(10_000);
    await wechatReceiver(w, wx.a, 'confirm');
    wx.b = await w.wechatWithdrawal(5_000);
    await wechatReceiver(w, wx.b, 'confirm');
    wx.c = await w.wechatWithdrawal(3_000);
    await wechatReceiver(w, wx.c, 'decline'); // out at creation, back when cancelled
    ali.a = await w.alipayWithdrawal(8_000);
    ali.d = await w.alipayWithdrawal(6_000);
    const dealing = await w.alipayWithdrawal(4_000, { dealing: true });
    expect(dealing.status).toBe('processing');
    ali.b = dealing;
    w.alipay.settleTransfer(dealing.businessNo, 'FAIL'); // reserved, then back
    w.app.clock.advanceMs(61_000);
    await w.app.services.payouts.resendStuck();
    expect(await w.payoutStatus(dealing.payoutId)).toBe('failed');
    const refused = await w.alipayWithdrawal(2_000, { frozen: true }); // refused: no money moves
    expect(refused.status).toBe('failed');
    for (const p of [wx.a, wx.b, ali.a, ali.d]) expect(await w.payoutStatus(p.payoutId)).toBe('paid');
    expect(await w.payoutStatus(wx.c.payoutId)).toBe('failed');

    // the day is over: WeChat's bills are due at 10:00, Alipay's exist from the next day (its clock)
    setClock(w.app, new Date(nextDayAt(day, 10).getTime() + 60_000));
    w.alipay.advanceClock(24 * 3_600_000);
    for (const provider of ['wechatpay', 'alipay'] as const) {
      const res = await fetchBill(w, provider, day);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await differencesOf(w, provider, day)).toEqual([]);
    }

    // WeChat: what the transfer fake moved that day is what we stored, by out_bill_no and transfer_bill_no
    const moved = w.transfers.fundFlow;
    const wechatRow = await billRow('wechatpay');
    expect(wechatRow).toMatchObject({ status: 'fetched', account_bill: true, payment_count: 1, payment_total_fen: 1_500, difference_count: 0 });
    expect(wechatRow.payout_count).toBe(moved.filter((m) => m.direction === 'out').length);
    expect(wechatRow.payout_total_fen).toBe(moved.filter((m) => m.direction === 'out').reduce((s, m) => s + m.amountFen, 0));
    expect(wechatRow.payout_return_fen).toBe(wx.c.netFen);
    const wechatLines = await payoutLines('wechatpay');
    expect(wechatLines).toEqual(expect.arrayContaining([
      { kind: 'payout', out_trade_no: wx.a.businessNo, provider_txn_id: w.transfers.getBill(wx.a.businessNo)!.transferBillNo, amount_fen: wx.a.netFen },
      { kind: 'payout', out_trade_no: wx.c.businessNo, provider_txn_id: w.transfers.getBill(wx.c.businessNo)!.transferBillNo, amount_fen: wx.c.netFen },
      { kind: 'payout_return', out_trade_no: wx.c.businessNo, provider_txn_id: w.transfers.getBill(wx.c.businessNo)!.transferBillNo, amount_fen: wx.c.netFen },
    ]));
    // the payment's 交易 line is not kept from the account bill (the trade bill has it)
    expect(wechatLines.find((l) => l.amount_fen === 1_500)).toBeUndefined();

    const alipayRow = await billRow('alipay');
    expect(alipayRow).toMatchObject({ status: 'fetched', account_bill: true, payout_count: 3, payout_total_fen: ali.a.netFen + ali.d.netFen + ali.b.netFen, payout_return_fen: ali.b.netFen, difference_count: 0 });
    expect((await payoutLines('alipay')).map((l) => [l.kind, l.out_trade_no])).toEqual(expect.arrayContaining([['payout', ali.a.businessNo], ['payout', ali.b.businessNo], ['payout_return', ali.b.businessNo], ['payout', ali.d.businessNo]]));
    expect((await payoutLines('alipay')).find((l) => l.out_trade_no === refused.businessNo)).toBeUndefined();
    expect((await call(w.app, 'GET', '/api/admin/reconciliation', { token: w.finance.token })).body.checks.find((c: { name: string }) => c.name === 'statement_differences').differences).toEqual([]);
  });

  it('each planted difference is listed as a payout: amount differs, missing there, missing here, money back for a paid one, not back for a failed one', async () => {
    w.wechat.plantFundFlowDifference(day, { voucherNo: wx.a.businessNo, direction: '支出', set: { amountFen: wx.a.netFen + 100 } });
    w.wechat.plantFundFlowDifference(day, { remove: wx.b.businessNo });
    w.wechat.plantFundFlowDifference(day, { add: { voucherNo: 'FOREIGNBILL000000000001', amountFen: 777 } });
    w.wechat.plantFundFlowDifference(day, { add: { voucherNo: wx.a.businessNo, direction: '收入', businessType: '商家转账退回', amountFen: wx.a.netFen } });
    w.wechat.plantFundFlowDifference(day, { remove: wx.c.businessNo, direction: '收入' });
    w.alipay.plantAccountBillDifference({ kind: 'amount', outBizNo: ali.a.businessNo, amountFen: ali.a.netFen - 1 });
    w.alipay.plantAccountBillDifference({ kind: 'drop', outBizNo: ali.d.businessNo });
    w.alipay.plantAccountBillDifference({ kind: 'extra', outBizNo: 'ALIFOREIGN000000000001', amountFen: 555, date: day });

    const res = await fetchBill(w, 'wechatpay', day);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ds = await differencesOf(w, 'wechatpay', day);
    expect(pick(ds, 'amount_differs', wx.a.businessNo)).toEqual([expect.objectContaining({ recordId: wx.a.payoutId, ourFen: wx.a.netFen, theirFen: wx.a.netFen + 100, ourState: 'paid', note: expect.stringMatching(/^payout /) })]);
    expect(pick(ds, 'state_differs', wx.a.businessNo)).toEqual([expect.objectContaining({ ourFen: wx.a.netFen, theirFen: wx.a.netFen, theirState: 'RETURNED', note: expect.stringContaining('gave the money back') })]);
    expect(pick(ds, 'missing_there', wx.b.businessNo)).toEqual([expect.objectContaining({ recordId: wx.b.payoutId, ourFen: wx.b.netFen, theirFen: null, lineSeq: null, note: expect.stringMatching(/^payout .*not on the account bill/) })]);
    expect(pick(ds, 'missing_here', 'FOREIGNBILL000000000001')).toEqual([expect.objectContaining({ recordType: null, recordId: null, ourFen: null, theirFen: 777, theirState: 'SUCCESS', note: expect.stringMatching(/^payout: /) })]);
    expect(pick(ds, 'state_differs', wx.c.businessNo)).toEqual([expect.objectContaining({ recordId: wx.c.payoutId, ourFen: 0, theirFen: wx.c.netFen, ourState: 'failed', note: expect.stringContaining('has not come back') })]);
    expect(ds).toHaveLength(5);
    // the answer says what each is about: a payout, with the payout as its record where we have one
    expect(ds.every((d) => d.subject === 'payout' && d.recordType === (d.recordId === null ? null : 'payout'))).toBe(true);
    // the service knows the subject and the payout
    const ours = await w.app.services.statements.differences({ provider: 'wechatpay', date: day, status: 'all', limit: 100 });
    expect(ours.map((d) => d.subject)).toEqual(Array(5).fill('payout'));
    expect(ours.find((d) => d.kind === 'missing_there')).toMatchObject({ recordType: 'payout', recordId: wx.b.payoutId });
    expect(await w.app.services.db.selectFrom('statement_differences').select('record_type').where('reference', '=', wx.b.businessNo).executeTakeFirstOrThrow()).toEqual({ record_type: 'payout' });

    const resAli = await fetchBill(w, 'alipay', day);
    expect(resAli.status, JSON.stringify(resAli.body)).toBe(200);
    const as = await differencesOf(w, 'alipay', day);
    expect(pick(as, 'amount_differs', ali.a.businessNo)).toEqual([expect.objectContaining({ recordId: ali.a.payoutId, ourFen: ali.a.netFen, theirFen: ali.a.netFen - 1 })]);
    expect(pick(as, 'missing_there', ali.d.businessNo)).toEqual([expect.objectContaining({ recordId: ali.d.payoutId, ourFen: ali.d.netFen, theirFen: null })]);
    expect(pick(as, 'missing_here', 'ALIFOREIGN000000000001')).toEqual([expect.objectContaining({ theirFen: 555, ourFen: null })]);
    expect(as).toHaveLength(3);

    // npm run reconcile's check lists them, naming the payout
    const recon = await call(w.app, 'GET', '/api/admin/reconciliation', { token: w.finance.token });
    expect(recon.body.ok).toBe(false);
    const listed = recon.body.checks.find((c: { name: string }) => c.name === 'statement_differences').differences;
    expect(listed.filter((d: { record_type: string | null; note: string }) => /^payout/.test(d.note))).toHaveLength(8);
    expect(listed.find((d: { reference: string }) => d.reference === wx.b.businessNo)).toMatchObject({ record_type: 'payout', kind: 'missing_there' });
  });

  it('finance settles a payout difference with a note (audited); it stays settled across a refetch', async () => {
    const ds = await differencesOf(w, 'wechatpay', day);
    const target = pick(ds, 'missing_here', 'FOREIGNBILL000000000001')[0]!;
    const res = await call(w.app, 'POST', `/api/admin/statements/differences/${target.id}/resolve`, { token: w.finance.token, body: { note: '商户平台手工转账，已核对' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: target.id, resolved: true, changed: true });
    await fetchBill(w, 'wechatpay', day);
    const after = await differencesOf(w, 'wechatpay', day);
    expect(pick(after, 'missing_here', 'FOREIGNBILL000000000001')[0]).toMatchObject({ resolved: true, resolutionNote: '商户平台手工转账，已核对', resolvedBy: w.finance.id });
    const open = await call(w.app, 'GET', `/api/admin/statements/differences?provider=wechatpay&date=${day}&status=open`, { token: w.finance.token });
    expect(open.body.items).toHaveLength(after.length - 1);
    const audit = await w.app.services.db.selectFrom('audit_log').select(['actor_id', 'reason', 'target_id']).where('action', '=', 'statement.difference_resolved').execute();
    expect(audit).toEqual([{ actor_id: w.finance.id, reason: '商户平台手工转账，已核对', target_id: `wechatpay:${day}` }]);
  });
});

describe('statements: account bill parsers', () => {
  it('WeChat 资金账单: the documented layout; only transfer lines kept; the summary must count the lines', () => {
    const csv = [
      '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号',
      '`2018-02-01 04:21:23,`50000305742018020103387128253,`1900009231201802015884652186,`退款,`退款,`支出,`0.02,`0.17,`system,`缺货,`REF4200000068201801293084726067',
      '`2018-02-01 09:00:01,`1330000071100001,`1900009231201802015884652187,`商家转账,`商家转账,`支出,`79.20,`-79.03,`1900009231,`佣金提现,`PO2018020100000000000001A1',
      '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
      '`2.0,`0.0,`0.00,`2.0,`79.22',
    ].join('\r\n');
    expect(parseWechatFundFlow(csv)).toEqual({ totalLines: 2, lines: [{ direction: 'out', businessNo: 'PO2018020100000000000001A1', providerRef: '1330000071100001', amountFen: 7_920, at: '2018-02-01 09:00:01', type: '商家转账' }] });
    expect(() => parseWechatFundFlow(csv.replace('`2.0,`0.0', '`3.0,`0.0'))).toThrow(/summary count/);
    expect(() => parseWechatFundFlow(csv.replace('`79.20', '`79.2x'))).toThrow(/amount/);
  });

  it('Alipay 账务明细: transfer lines out and back; comments and other business skipped', () => {
    const csv = [
      '#支付宝账务明细查询',
      '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注',
      '20261119000001\t,2026111922001\t,P0001\t,商品,2026-11-19 10:00:00,159****0000,+12.00,0.00,1000012.00,支付宝,交易,',
      '20261119000002\t,20261119110070000001\t,PO0001A1\t,转账,2026-11-19 11:00:00,a@example.com,0.00,-39.60,999972.40,支付宝,转账,',
      '20261119000003\t,20261119110070000001\t,PO0001A1\t,转账,2026-11-19 12:00:00,a@example.com,+39.60,0.00,1000012.00,支付宝,转账退回,收款方账户状态异常',
      '#支出合计：1笔，共39.60元',
    ].join('\r\n');
    expect(parseAlipayAccountBill(csv)).toEqual({
      totalLines: 3,
      lines: [
        { direction: 'out', businessNo: 'PO0001A1', providerRef: '20261119110070000001', amountFen: 3_960, at: '2026-11-19 11:00:00', type: '转账' },
        { direction: 'back', businessNo: 'PO0001A1', providerRef: '20261119110070000001', amountFen: 3_960, at: '2026-11-19 12:00:00', type: '转账退回' },
      ],
    });
    expect(() => parseAlipayAccountBill('#nothing\r\na,b,c')).toThrow(/no header/);
  });
});
