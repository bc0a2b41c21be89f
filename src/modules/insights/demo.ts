// Demo data for the value analytics: share-link traffic that the other features' seeds do not make —
// strangers opening two distributors' links, some of them registering through the link and some of
// those buying — so the funnel and the cycle times have something to show.
import { inTransaction } from '../../db/database.js';
import { DEMO_CHAIN, DEMO_PASSWORD } from '../../demo/seed.js';
import { MembersService } from '../members/index.js';
import type { Services } from '../../services.js';

const ADDRESS = { name: '何女士', phone: '13944400001', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 99 号', regionCode: '330106' };

export async function seedInsights(services: Services): Promise<void> {
  const { db } = services;
  const sharers = await db.selectFrom('members').select(['id', 'invite_code']).where('phone', 'in', [DEMO_CHAIN[1], DEMO_CHAIN[2]]).orderBy('phone').execute();
  const sku = await db.selectFrom('product_skus').select('id').orderBy('id').limit(1).executeTakeFirst();
  if (sharers.length < 2 || !sku) return;
  const rules = (await services.rules.current(db)).config;
  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  // 24 visitors (a few open a link twice); 10 register through the link; 4 of them buy
  for (let i = 0; i < 24; i++) {
    const sharer = sharers[i % 2];
    const visitorKey = `demo-visitor-${i}`;
    await services.referral.recordVisit({ inviteCode: sharer.invite_code, visitorKey }, rules);
    if (i % 5 === 0) await services.referral.recordVisit({ inviteCode: sharer.invite_code, visitorKey }, rules);
    if (i >= 10) continue;
    // registration strictly after the view, as in life (the funnel counts registrations after a view)
    await new Promise((resolve) => setTimeout(resolve, 2));
    const member = await inTransaction(db, (tx) =>
      services.members.createMember(tx, { phone: `139444000${String(10 + i).padStart(2, '0')}`, passwordHash, nickname: `访客${i + 1}`, inviteCode: sharer.invite_code, visitorKey }),
    );
    if (i % 3 !== 0 || !services.config.devPaymentProvider) continue;
    const order = await services.orders.checkout(member.id, { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: `demo-insights-${i}`, shippingAddress: ADDRESS, sharerInviteCode: sharer.invite_code });
    const payment = await services.payments.startPayment(member.id, order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(member.id, payment.outTradeNo);
  }
}
