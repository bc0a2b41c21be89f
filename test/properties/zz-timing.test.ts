import { it } from 'vitest';
import { buyAndPay, createProduct, hqMember, registerChain } from '../support/api.js';
import { startTestApp } from '../support/harness.js';
import { reconciliation, refund, adminOrder, setRules } from '../support/rules-kit.js';
it('timing', async () => {
  let t = Date.now();
  const app = await startTestApp('pglite');
  console.log('start', Date.now() - t); t = Date.now();
  const owner = await hqMember(app, 'owner');
  const support = await hqMember(app, 'support');
  const chain = await registerChain(app, 4);
  console.log('members', Date.now() - t); t = Date.now();
  const sku = (await createProduct(app, owner, [{ priceFen: 9999 }])).skus[0].id;
  for (let i = 0; i < 5; i++) {
    t = Date.now(); await setRules(app, owner, {}); console.log('rules', Date.now() - t);
    t = Date.now(); const o = await buyAndPay(app, chain[3], [{ skuId: sku, quantity: 1 }]); console.log('buy', Date.now() - t);
    t = Date.now(); await refund(app, support, o.id, [{ lineId: o.lines[0].id, amountFen: 100 }]); console.log('refund', Date.now() - t);
    t = Date.now(); await reconciliation(app, owner.token); console.log('recon', Date.now() - t);
    t = Date.now(); await adminOrder(app, owner.token, o.id); console.log('order', Date.now() - t);
  }
  await app.close();
});
