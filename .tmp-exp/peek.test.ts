import { it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, registerChain } from '../test/support/api.js';
import { startTestApp } from '../test/support/harness.js';
import { fetchFile } from '../test/support/files.js';
it('peek', async () => {
  const app = await startTestApp('pglite', { rules: { commission: { tierRatesBp: { '1': [1000, 500] } }, payout: { minAmountFen: 100, autoApproveMaxFen: 0, feeBp: 100 } } });
  const owner = await hqMember(app, 'owner');
  const [, mid, buyer] = await registerChain(app, 3);
  const skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }])).skus[0]!.id;
  await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
  await call(app, 'POST', '/api/admin/adjustments', { token: owner.token, body: { memberId: mid.id, amountFen: 20_000, reason: 'x', idempotencyKey: 'k1' } });
  const asked = await call(app, 'POST', '/api/me/payouts', { token: mid.token, body: { amountFen: 3_000, channel: 'alipay', destination: { account: 'a@b.c', realName: '张三' }, idempotencyKey: 'p1' } });
  await call(app, 'POST', `/api/admin/payouts/${asked.body.id}/approve`, { token: owner.token });
  console.log((await fetchFile(app, '/api/admin/ledger/export', owner.token)).buffer.toString());
  console.log(await app.services.db.selectFrom('payout_transfers').selectAll().execute());
  await app.close();
});
