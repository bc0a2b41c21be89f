// Two support staff decide one buyer refund request at the same moment, one approving and one
// rejecting: one review wins, the other answers 409 REFUND_REQUEST_REVIEWED, and the stored status
// matches the money (a refund and a reversal exist exactly when it says approved).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';

describeOnPostgres('refund request review race [postgres]', () => {
  let app: TestApp;
  let chain: RegisteredMember[];
  let skuId: number;
  let reviewers: RegisteredMember[];

  beforeAll(async () => {
    app = await startTestApp('postgres', { poolSize: 12 });
    const owner = await hqMember(app, 'owner');
    chain = await registerChain(app, 2);
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }], '普洱茶饼')).skus[0].id;
    reviewers = await Promise.all([hqMember(app, 'support'), hqMember(app, 'support'), hqMember(app, 'owner'), hqMember(app, 'support')]);
  });
  afterAll(async () => app?.close());

  it('approve against reject, many times over: exactly one review wins and the status matches the money', async () => {
    const owner = reviewers[2]!;
    for (let round = 0; round < 8; round++) {
      const buyer = await register(app, { inviteCode: chain[1]!.inviteCode });
      const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
      const request = await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, { token: buyer.token, body: { lines: [{ lineId: order.lines[0].id, amountFen: 4_000 }], reason: '买多了' } });
      expect(request.status).toBe(201);
      const answers = await Promise.all(
        reviewers.map((r, i) => call(app, 'POST', `/api/admin/refund-requests/${request.body.id}/review`, { token: r.token, body: { approve: i % 2 === round % 2, reason: `review ${i}` } })),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      for (const lost of answers.filter((a) => a.status !== 200)) expect(lost.body.code).toBe('REFUND_REQUEST_REVIEWED');
      const stored = await app.services.db.selectFrom('refund_requests').select(['status', 'refund_id']).where('id', '=', request.body.id).executeTakeFirstOrThrow();
      expect(stored.status).toBe(won[0]!.body.status);
      const after = await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer.token });
      const earnings = await call(app, 'GET', `/api/admin/commission/earnings?orderId=${order.id}`, { token: owner.token });
      if (stored.status === 'approved') {
        expect(stored.refund_id).not.toBeNull();
        expect(after.body.refundedFen).toBe(4_000);
        expect(earnings.body.items.every((e: { reversedFen: number }) => e.reversedFen > 0)).toBe(true);
      } else {
        expect(stored.status).toBe('rejected');
        expect(stored.refund_id).toBeNull();
        expect(after.body.refundedFen).toBe(0);
        expect(after.body.refunds).toHaveLength(0);
        expect(earnings.body.items.every((e: { reversedFen: number }) => e.reversedFen === 0)).toBe(true);
      }
    }
  });
});
