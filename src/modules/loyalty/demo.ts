// Demo data of the loyalty feature, added by the demo seed after the core's: points from a couple
// of paid orders, a sign-in streak that reaches its day-7 bonus, notes with likes (one rewarded in
// points and cash), mall items and redemptions (one shipped, one waiting).
import { inTransaction } from '../../db/database.js';
import type { Services } from '../../services.js';
import { DEMO_CHAIN, DEMO_HQ } from '../../demo/seed.js';
import { shanghaiDay } from './sign-ins.js';

const ADDRESS = { name: '林先生', phone: '13900000001', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区 8 栋 1201', regionCode: '440305' };

async function memberIdByPhone(services: Services, phone: string): Promise<number> {
  const row = await services.db.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
  return row.id;
}

/** Who receives each chain member's parcels: their own name and phone (one address and phone for several members would link them as one person, 风控). */
const CONSIGNEES = ['林先生', '陈女士', '黄先生', '吴先生', '郑女士'];

/** Buys and pays through the dev provider, when it is on (points come from the order participant). */
async function demoOrder(services: Services, chainIndex: number, buyerId: number, skuId: number, quantity: number, key: string) {
  if (!services.config.devPaymentProvider) return;
  const shippingAddress = { ...ADDRESS, name: CONSIGNEES[chainIndex]!, phone: DEMO_CHAIN[chainIndex]! };
  const order = await services.orders.checkout(buyerId, { items: [{ skuId, quantity }], checkoutKey: key, shippingAddress });
  const payment = await services.payments.startPayment(buyerId, order.id, { provider: 'dev', method: 'dev' });
  await services.payments.simulateDevPayment(buyerId, payment.outTradeNo);
}

export async function seedLoyalty(services: Services): Promise<void> {
  const L = services.loyalty;
  const ownerId = await memberIdByPhone(services, DEMO_HQ[0].phone);
  const operatorId = await memberIdByPhone(services, DEMO_HQ[1].phone);
  const chain = await Promise.all(DEMO_CHAIN.map((p) => memberIdByPhone(services, p)));
  const hq = await Promise.all(DEMO_HQ.map((h) => memberIdByPhone(services, h.phone)));
  const products = await services.db.selectFrom('products as p').innerJoin('product_skus as s', 's.product_id', 'p.id').select(['p.id as productId', 'p.title', 's.id as skuId', 's.price_fen']).orderBy('s.id').execute();

  // a reward that five likes can reach, paid in points and ¥5 cash
  await L.settings.update(ownerId, { pointsPerYuan: 1, signInBasePoints: 5, streakBonusEveryDays: 7, streakBonusPoints: 20, noteRewardLikes: 5, noteRewardPoints: 50, noteRewardCashFen: 500 });

  // points from spending
  await demoOrder(services, 0, chain[0], products[0].skuId, 2, 'demo-loyalty-1');
  await demoOrder(services, 4, chain[4], products[2].skuId, 1, 'demo-loyalty-2');
  await demoOrder(services, 2, chain[2], products[4].skuId, 3, 'demo-loyalty-3');
  // their points come through the orders' deferred effects
  await services.orders.drainEffects();

  // sign-in streaks: six past days recorded, today's sign-in runs the real path (day 7: bonus and badge)
  const today = services.clock.now();
  await inTransaction(services.db, async (tx) => {
    for (const [memberId, days] of [[chain[0], 6], [chain[1], 3], [chain[3], 1]] as const) {
      for (let back = days; back >= 1; back--) {
        const day = shanghaiDay(new Date(today.getTime() - back * 86_400_000));
        const streak = days - back + 1;
        await tx.insertInto('loyalty_sign_ins').values({ member_id: memberId, day, streak, base_points: 5, bonus_points: 0, created_at: new Date(today.getTime() - back * 86_400_000) }).execute();
        await L.points.record(tx, { memberId, points: 5, reason: 'sign_in', refType: 'sign_in', refId: null, idempotencyKey: `sign_in:${memberId}:${day}`, memo: `streak ${streak}` });
      }
    }
  });
  for (const memberId of [chain[0], chain[1], chain[3]]) await L.signIns.signIn(memberId);

  // a welcome gift so the mall has buyers
  for (const memberId of [chain[0], chain[1], chain[3]]) await L.points.adjust(ownerId, { memberId, points: 600, reason: '新会员开业赠送积分', idempotencyKey: `demo-welcome-${memberId}` });

  // notes: one reaches the like threshold and is rewarded, one is hidden by HQ
  const notes = [
    { author: chain[0], title: '古树普洱，回甘太明显了', body: '第三泡开始甜润，茶气足，送长辈很有面子。冲泡建议 100℃ 沸水，前两泡快出汤。', photos: ['https://picsum.photos/seed/puer1/600/600', 'https://picsum.photos/seed/puer2/600/600'], product: products[0].productId, likers: [chain[1], chain[2], chain[3], chain[4], hq[1], hq[3]] },
    { author: chain[1], title: '五常大米煮粥真香', body: '米粒饱满，煮粥特别黏稠，家里小朋友很爱吃。', photos: ['https://picsum.photos/seed/rice/600/600'], product: products[2] ? products.find((p) => p.title.includes('大米'))?.productId ?? null : null, likers: [chain[0], chain[2], chain[4]] },
    { author: chain[4], title: '苹果脆甜，冰糖心明显', body: '一箱 5kg 个头均匀，切开就是冰糖心，推荐！', photos: ['https://picsum.photos/seed/apple1/600/600', 'https://picsum.photos/seed/apple2/600/600', 'https://picsum.photos/seed/apple3/600/600'], product: products.find((p) => p.title.includes('苹果'))?.productId ?? null, likers: [chain[0], chain[3]] },
    { author: chain[2], title: '加微信领福利', body: '私信我领取内部优惠（广告）', photos: [], product: null, likers: [] },
  ];
  const noteIds: number[] = [];
  for (const n of notes) {
    const note = await L.notes.create(n.author, { title: n.title, body: n.body, photoUrls: n.photos, productId: n.product });
    noteIds.push(note.id);
    for (const liker of n.likers) await L.notes.like(liker, note.id);
  }
  await L.notes.setVisibility(operatorId, noteIds[3], 'hidden', '含站外引流广告');

  // the mall: goods and a coupon (coupon items open once the coupons feature grants them)
  const cup = await L.mall.createItem(ownerId, { kind: 'goods', title: '品牌定制保温杯', description: '316 不锈钢，500ml', pointsPrice: 300, stock: 50, perMemberLimit: 2, skuId: null });
  const rice = await L.mall.createItem(ownerId, { kind: 'goods', title: '五常大米 1kg 体验装', description: '积分专享', pointsPrice: 200, stock: 3, skuId: products.find((p) => p.title.includes('大米'))?.skuId ?? null });
  await L.mall.createItem(ownerId, { kind: 'goods', title: '古树普洱小饼 100g', pointsPrice: 1_500, stock: 10 });
  await L.mall.createItem(ownerId, { kind: 'coupon', title: '满 100 减 10 优惠券', pointsPrice: 100, stock: 500, couponTemplateId: 1, perMemberLimit: 3 });

  const shipped = await L.mall.exchange(chain[1], { itemId: cup.id, quantity: 1, clientKey: 'demo-redeem-1', shippingAddress: { ...ADDRESS, name: '陈女士', phone: '13900000002' } });
  await L.mall.fulfil(operatorId, shipped.redemption!.id, 'SF1234567890');
  await L.mall.exchange(chain[3], { itemId: rice.id, quantity: 2, clientKey: 'demo-redeem-2', shippingAddress: { ...ADDRESS, name: '吴先生', phone: '13900000004' } });
  await L.mall.exchange(chain[0], { itemId: cup.id, quantity: 1, clientKey: 'demo-redeem-3', shippingAddress: ADDRESS });
}
