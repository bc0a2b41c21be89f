// Several instances sweep at once (PostgreSQL only: PGlite is one session). Each due attempt is claimed by
// one sweep (SKIP LOCKED + lease: Alipay is asked once per transfer), and what the sweeps, the member and
// WeChat's re-delivered notifications report at the same moment is applied exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { payoutProviderFor } from '../../src/modules/payouts/channels.js';
import { PayoutsService } from '../../src/modules/payouts/service.js';
import { call } from '../support/api.js';
import { describeOnPostgres } from '../support/harness.js';
import { expectReconciled, summary } from '../support/rules-kit.js';
import { ledgerSteps, pastBackoff, payoutOf, startPayoutWorld, transfersOf, withdrawTo, type PayoutWorld } from './kit.js';

describeOnPostgres('payouts: concurrent sweeps on PostgreSQL', () => {
  let w: PayoutWorld;
  /** a second instance: its own service and provider clients over the same database */
  let other: PayoutsService;
  beforeAll(async () => {
    w = await startPayoutWorld('postgres', { poolSize: 24 });
    const s = w.app.services;
    other = new PayoutsService(s.db, s.clock, s.bus, s.ledger, s.rules, s.audit, payoutProviderFor({ config: s.config, log: s.log, clients: s.clients, db: s.db }), s.log);
  });
  afterAll(async () => w?.close());

  const sweeps = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? w.app.services.payouts : other).resendStuck()));

  it('DEALING transfers settled at Alipay: four sweeps on two instances ask once each and pay each once', async () => {
    const m = await w.funded(120_000);
    w.fakes.alipay.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: 'race@example.com', name: '王五', dealing: true });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await withdrawTo(w.app, m, 'alipay', 10_000, { account: 'race@example.com', realName: '王五' });
      expect(res.body.status).toBe('processing');
      ids.push(res.body.id);
    }
    const numbers = (await Promise.all(ids.map((id) => transfersOf(w.app, id)))).map((rows) => rows[0]!.business_no);
    for (const no of numbers) w.fakes.alipay.settleTransfer(no, 'SUCCESS');
    pastBackoff(w.app);

    for (let round = 0; round < 3; round++) {
      const made = await sweeps(4);
      // the first round makes exactly one call per transfer between all sweeps; later rounds none
      expect(made.reduce((a, b) => a + b, 0)).toBe(round === 0 ? 12 : 0);
    }
    for (const no of numbers) {
      expect(w.fakes.alipay.requests.filter((r) => r.method === 'alipay.fund.trans.common.query' && r.biz?.out_biz_no === no)).toHaveLength(1);
    }
    for (const id of ids) {
      expect((await payoutOf(w.app, m, id)).status).toBe('paid');
      expect(await ledgerSteps(w.app, id, 'payout.paid')).toBe(1);
    }
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 0, withdrawingFen: 0, withdrawnFen: 120_000 });
    await expectReconciled(w.app, w.finance.token);
  });

  it('WeChat bills confirmed, notices lost: sweeps, refreshes and re-delivered notifications at once apply each once', async () => {
    const m = await w.funded(80_000);
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push((await withdrawTo(w.app, m, 'wechat', 10_000)).body.id);
    const numbers = (await Promise.all(ids.map((id) => transfersOf(w.app, id)))).map((rows) => rows[0]!.business_no);
    for (const no of numbers) await w.fakes.wechat.confirm(no, { dropped: true });
    pastBackoff(w.app);

    await Promise.all([
      sweeps(4),
      ...numbers.map((no) => w.fakes.wechat.notify(no, { duplicate: true })),
      ...ids.map((id) => call(w.app, 'POST', `/api/me/payouts/${id}/refresh`, { token: m.token })),
    ]);
    for (const id of ids) {
      expect((await payoutOf(w.app, m, id)).status).toBe('paid');
      expect(await ledgerSteps(w.app, id, 'payout.paid')).toBe(1);
      expect(await ledgerSteps(w.app, id, 'payout.fee')).toBe(1);
    }
    // every delivery was answered as received (a repeat is success, not an error WeChat would retry)
    const answers = w.fakes.wechat.notifications.filter((n) => !n.dropped).flatMap((n) => n.answers);
    expect(answers.every((status) => status === 204)).toBe(true);
    expect(await summary(w.app, m)).toMatchObject({ availableFen: 0, withdrawingFen: 0, withdrawnFen: 80_000 });
    await expectReconciled(w.app, w.finance.token);
  });
});
