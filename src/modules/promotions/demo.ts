// Demo data of the promotions feature, added by the demo seed after the core's: four member levels,
// coupon templates of every kind, and chain members who claimed, shared and used coupons in paid
// orders, so the levels, guide commission and template counts show real numbers.
import type { Services } from '../../services.js';

const DAY_MS = 86_400_000;

export async function seedPromotions(services: Services): Promise<void> {
  const { db, coupons, memberLevels } = services;
  const idOf = async (phone: string) => (await db.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirstOrThrow()).id;
  const operatorId = await idOf('13800000001');
  const [lin, chen, huang, wu, zheng] = await Promise.all(['13900000001', '13900000002', '13900000003', '13900000004', '13900000005'].map(idOf));
  const skuOf = async (title: string, name: string) =>
    (await db.selectFrom('product_skus as s').innerJoin('products as p', 'p.id', 's.product_id').select(['s.id', 'p.id as productId']).where('p.title', '=', title).where('s.name', '=', name).executeTakeFirstOrThrow());

  for (const level of [
    { name: '普通会员', growthThreshold: 0, memberPriceBp: 10_000 },
    { name: '银卡会员', growthThreshold: 300, memberPriceBp: 9_800 },
    { name: '金卡会员', growthThreshold: 1_000, memberPriceBp: 9_500 },
    { name: '钻石会员', growthThreshold: 3_000, memberPriceBp: 9_000 },
  ]) {
    await memberLevels.create(operatorId, level);
  }

  const tea = await skuOf('云南古树普洱茶饼 357g', '生茶');
  const rice = await skuOf('有机五常大米 5kg', '5kg 装');
  const bedding = await skuOf('纯棉四件套', '米白 / 1.8m 床');
  const ejiao = await skuOf('手工阿胶糕 500g', '原味');
  const now = services.clock.now();
  const newcomer = await coupons.createTemplate(operatorId, { name: '新人立减10元', kind: 'fixed', offFen: 1_000, validDays: 30, totalQuantity: 1_000, perMemberLimit: 1 });
  const over199 = await coupons.createTemplate(operatorId, { name: '满199减30', kind: 'threshold', minSpendFen: 19_900, offFen: 3_000, validDays: 15, totalQuantity: 500, perMemberLimit: 2, guideRateBp: 300 });
  const teaCoupon = await coupons.createTemplate(operatorId, {
    name: '普洱茶9折券',
    kind: 'percent',
    rateBp: 1_000,
    maxOffFen: 5_000,
    validFrom: now,
    validUntil: new Date(now.getTime() + 60 * DAY_MS),
    totalQuantity: 200,
    perMemberLimit: 1,
    productIds: [tea.productId],
    guideRateBp: 500,
  });
  const flash = await coupons.createTemplate(operatorId, { name: '双11限量20元券', kind: 'fixed', offFen: 2_000, validDays: 7, totalQuantity: 3, perMemberLimit: 1 });

  const chenCode = (await db.selectFrom('members').select('invite_code').where('id', '=', chen).executeTakeFirstOrThrow()).invite_code;
  // 郑 claims through 陈's links (陈 earns guide commission), 吴 and 黄 from the coupon centre
  const zhengNewcomer = await coupons.claim(zheng, newcomer.id);
  const zhengOver199 = await coupons.claim(zheng, over199.id, chenCode);
  const zhengTea = await coupons.claim(zheng, teaCoupon.id, chenCode);
  await coupons.claim(zheng, over199.id, chenCode);
  const wuOver199 = await coupons.claim(wu, over199.id);
  await coupons.claim(huang, newcomer.id);
  await coupons.claim(huang, flash.id);
  await coupons.claim(wu, flash.id);
  await coupons.setTemplateStatus(operatorId, flash.id, 'stopped');

  if (!services.config.devPaymentProvider) return;
  let n = 0;
  const buy = async (buyerId: number, items: Array<{ skuId: number; quantity: number }>, couponId?: number) => {
    n += 1;
    const order = await services.orders.checkout(buyerId, { items, checkoutKey: `demo-promotions-${n}`, couponId });
    const payment = await services.payments.startPayment(buyerId, order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(buyerId, payment.outTradeNo);
    return order.id;
  };
  // 林 spends enough for 钻石, 吴 for 金卡, 黄 for 银卡; 郑 stays 普通 with coupons used and one left
  await buy(lin, [{ skuId: bedding.id, quantity: 7 }]);
  await buy(wu, [{ skuId: bedding.id, quantity: 2 }, { skuId: rice.id, quantity: 2 }], wuOver199.id);
  await buy(wu, [{ skuId: ejiao.id, quantity: 1 }]);
  await buy(huang, [{ skuId: ejiao.id, quantity: 2 }]);
  await buy(zheng, [{ skuId: rice.id, quantity: 1 }], zhengNewcomer.id);
  const teaOrder = await buy(zheng, [{ skuId: tea.id, quantity: 1 }], zhengTea.id);
  await services.orders.complete(teaOrder);
  await buy(zheng, [{ skuId: ejiao.id, quantity: 1 }, { skuId: rice.id, quantity: 1 }], zhengOver199.id);
}
