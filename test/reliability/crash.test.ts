// Crashes on the real server process: killed (SIGKILL, via FENXIAO_CRASH_POINT) at each named point
// of the payment, refund, unfreeze and payout paths, restarted, the callback / request / sweep
// replayed: nothing lost, nothing doubled. One database, ten process starts, nine crashes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnPostgres } from '../support/harness.js';
import { CrashChain } from '../support/crash.js';

describeOnPostgres('crashes at every named point, then replay', () => {
  let chain: CrashChain;

  beforeAll(async () => {
    chain = new CrashChain(process.env.TEST_DATABASE_URL!);
    await chain.open();
  });
  afterAll(async () => chain?.close());

  it('payment.before-commit: the callback dies with the process', () => chain.step1());
  it('…the payment replayed pays once; refund.before-commit: the refund callback dies', () => chain.step2());
  it('…the refund callback replayed reverses once; payment.after-commit', () => chain.step3());
  it('…a committed payment replayed is a duplicate; refund.after-commit', () => chain.step4());
  it('…a committed refund replayed is a duplicate; completion; unfreeze.before-commit', () => chain.step5());
  it('…nothing moved; the sweep again, unfreeze.after-commit', () => chain.step6());
  it('…the sweep committed once and a rerun moves nothing; payout.after-reserve', () => chain.step7());
  it('…nothing reserved; the withdrawal replayed, payout.before-provider', () => chain.step8());
  it('…reserved once; the withdrawal replayed, payout.after-provider', () => chain.step9());
  it('…unarmed: the withdrawal replayed is paid once, and replays change nothing', async () => {
    await chain.step10();
    expect(chain.crashes).toBe(9);
    expect(chain.fenLost).toBe(0);
    expect(chain.problems).toEqual([]);
  });
});
