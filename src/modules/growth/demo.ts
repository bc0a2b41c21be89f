// Demo data of the growth feature, added by the demo seed after the core's: upgrade rules on the
// demo tiers, and a team of extra distributors under the demo chain whose paid orders (one partly
// refunded) fill the leaderboards and lift a couple of members a tier, all through the services.
import { inTransaction } from '../../db/database.js';
import { DEMO_CHAIN, DEMO_HQ, DEMO_PASSWORD } from '../../demo/seed.js';
import { MembersService } from '../members/index.js';
import type { Services } from '../../services.js';

const ADDRESS = { name: '陈女士', phone: '13911100001', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 3 幢', regionCode: '330106' };

// [phone, nickname, index of the demo chain member who invited them]
const EXTRA = [
  ['13911100001', '推客·小美', 0],
  ['13911100002', '推客·阿杰', 0],
  ['13911100003', '推客·晓雯', 1],
  ['13911100004', '推客·大鹏', 1],
  ['13911100005', '推客·思思', 2],
  ['13911100006', '推客·老周', 0],
  ['13911100007', '推客·乐乐', 3],
  ['13911100008', '推客·安娜', 1],
] as const;

// [buyer (index into EXTRA), sku index, quantity]
const ORDERS: Array<[number, number, number]> = [
  [0, 0, 2], [1, 6, 1], [2, 3, 2], [3, 1, 1], [4, 8, 3], [5, 4, 1],
  [6, 2, 4], [7, 4, 1], [0, 7, 2], [2, 0, 1], [3, 2, 1], [5, 3, 3],
];

export async function seedGrowth(services: Services): Promise<void> {
  const idOf = async (phone: string) => (await services.db.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirstOrThrow()).id;
  const ownerId = await idOf(DEMO_HQ[0].phone);
  const supportId = await idOf(DEMO_HQ[3].phone);
  const chainCodes = await services.db.selectFrom('members').select(['phone', 'invite_code']).where('phone', 'in', [...DEMO_CHAIN]).execute();
  const codeOf = new Map(chainCodes.map((c) => [c.phone, c.invite_code]));
  const products = await services.db.selectFrom('products').select(['id', 'title']).orderBy('id').execute();
  const skus = await services.db.selectFrom('product_skus').select(['id']).where('stock', '>', 0).where('retired_at', 'is', null).orderBy('id').execute();

  // 银牌: ¥150 of commission or ¥3,000 of team sales (not direct referrals alone: 银牌 pays more than the entry
  // tier, and recruiting alone may not pay cash — the compliance guard); 金牌: ¥10,000 of team sales, or buying
  // the 四件套 "package" (a purchase, but not the only way to it)
  const tierIds = new Set((await services.members.tiers(services.db)).map((t) => t.id));
  if (tierIds.has(2)) await services.tierUpgrades.saveRule(ownerId, 2, { match: 'any', ownSpendFen: null, teamSalesFen: 300_000, directReferrals: null, commissionEarnedFen: 15_000, productId: null, enabled: true });
  const pkg = products.find((p) => p.title.includes('四件套'));
  if (tierIds.has(3)) await services.tierUpgrades.saveRule(ownerId, 3, { match: 'any', ownSpendFen: null, teamSalesFen: 1_000_000, directReferrals: null, commissionEarnedFen: null, productId: pkg?.id ?? null, enabled: true });

  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  const extra: number[] = [];
  await inTransaction(services.db, async (tx) => {
    for (const [phone, nickname, inviter] of EXTRA) {
      const m = await services.members.createMember(tx, { phone, passwordHash, nickname, inviteCode: codeOf.get(DEMO_CHAIN[inviter]) });
      extra.push(m.id);
    }
  });

  if (services.config.devPaymentProvider && skus.length) {
    const paid: number[] = [];
    for (const [i, [buyer, sku, quantity]] of ORDERS.entries()) {
      const order = await services.orders.checkout(extra[buyer], { items: [{ skuId: skus[sku % skus.length].id, quantity }], checkoutKey: `demo-growth-${i}`, shippingAddress: ADDRESS });
      const payment = await services.payments.startPayment(extra[buyer], order.id, { provider: 'dev', method: 'dev' });
      await services.payments.simulateDevPayment(extra[buyer], payment.outTradeNo);
      paid.push(order.id);
    }
    // one order partly refunded: the boards show figures net of it
    const refunded = await services.orders.get(services.db, paid[1]);
    const line = refunded.lines[0];
    const { refund } = await services.orders.createRefund(supportId, refunded.id, {
      lines: [{ lineId: line.id, amountFen: Math.floor(line.paidFen / 2) }],
      reason: '演示：部分退款',
      idempotencyKey: 'demo-growth-refund-1',
    });
    await services.payments.requestRefund(refund.id);
  }
  // what the jobs would do within seconds: the orders' deferred effects, count invites, check tiers, fold the boards
  await services.orders.drainEffects();
  await services.leaderboards.scanInvites();
  for (let i = 0; i < 20 && (await services.tierUpgrades.processQueue(500)).checked > 0; i++);
  await services.leaderboards.fold();
}
