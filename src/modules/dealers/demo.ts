// Demo data of the dealers feature, added by the demo seed after the core's: two tiers, an upper
// dealer (member 13700000011) restocking from HQ and a lower dealer (13700000012) restocking from
// it (password demo1234), one restock still awaiting HQ's payment confirmation, and shop sales —
// paid, received, cancelled — so stock, restocks, rewards and sale earnings show real numbers.
import { inTransaction } from '../../db/database.js';
import type { Services } from '../../services.js';
import { MembersService } from '../members/index.js';

export const DEMO_UPPER_DEALER_PHONE = '13700000011';
export const DEMO_LOWER_DEALER_PHONE = '13700000012';
const DEMO_PASSWORD = 'demo1234';

async function memberIdByPhone(services: Services, phone: string): Promise<number> {
  return (await services.members.search(services.db, { q: phone, limit: 1, offset: 0 })).items[0].id;
}

export async function seedDealers(services: Services): Promise<void> {
  const ownerId = await memberIdByPhone(services, '13800000000');
  const financeId = await memberIdByPhone(services, '13800000002');
  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  const [upperMember, lowerMember] = await inTransaction(services.db, async (tx) => [
    await services.members.createMember(tx, { phone: DEMO_UPPER_DEALER_PHONE, passwordHash, nickname: '华南茶行·何' }),
    await services.members.createMember(tx, { phone: DEMO_LOWER_DEALER_PHONE, passwordHash, nickname: '南山好物·许' }),
  ]);

  const provincial = await services.dealers.createTier(ownerId, { name: '省级订货商', discountBp: 4_000, rewardMode: 'price_difference' });
  const city = await services.dealers.createTier(ownerId, { name: '市级订货商', discountBp: 2_500, rewardMode: 'rebate', rebateBp: 300 });
  const products = await services.catalog.list(services.db, { limit: 20, offset: 0 });
  const skuOf = (title: string, name: string) => products.find((p) => p.title.includes(title))!.skus.find((s) => s.name === name)!.id;
  const puer = skuOf('普洱', '生茶');
  const rice = skuOf('五常大米', '5kg 装');
  const ejiao = skuOf('阿胶糕', '原味');
  // the city tier buys the rice at a fixed ¥72 instead of 25 % off
  await services.dealers.setTierPrice(ownerId, city.id, rice, 7_200);

  const upper = await services.dealers.authorise(ownerId, { memberId: upperMember.id, shopName: '华南茶行', tierId: provincial.id });
  const lower = await services.dealers.authorise(ownerId, { memberId: lowerMember.id, shopName: '南山好物小铺', tierId: city.id, upperDealerId: upper.id });

  // the upper restocks from HQ (paid), the lower from the upper (paid: the upper is settled), and one awaits payment
  const upperRestock = await services.dealers.createRestock(upperMember.id, { clientKey: 'demo-upper-1', items: [{ skuId: puer, quantity: 40 }, { skuId: rice, quantity: 60 }, { skuId: ejiao, quantity: 20 }] });
  await services.dealers.confirmPayment(financeId, upperRestock.id, 'ICBC-20261118-0001');
  const lowerRestock = await services.dealers.createRestock(lowerMember.id, { clientKey: 'demo-lower-1', items: [{ skuId: puer, quantity: 10 }, { skuId: rice, quantity: 20 }] });
  await services.dealers.confirmPayment(financeId, lowerRestock.id, 'CMB-20261119-0002');
  await services.dealers.createRestock(lowerMember.id, { clientKey: 'demo-lower-2', items: [{ skuId: ejiao, quantity: 5 }] });

  if (!services.config.devPaymentProvider) return;
  // each buyer's own name and phone: one address and phone for several members would link them as one person (风控)
  const address = (name: string, phone: string) => ({ name, phone, province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南路 88 号', regionCode: '440305' });
  async function buy(phone: string, dealerShopId: number, items: Array<{ skuId: number; quantity: number }>, consignee: string, key: string) {
    const buyerId = await memberIdByPhone(services, phone);
    const order = await services.orders.checkout(buyerId, { items, checkoutKey: `demo-dealer-${key}`, shippingAddress: address(consignee, phone), dealerShopId });
    const payment = await services.payments.startPayment(buyerId, order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(buyerId, payment.outTradeNo);
    return { orderId: order.id, buyerId };
  }
  // sales in the lower dealer's shop by the referral chain's buyers: their uplines still earn commission
  const received = await buy('13900000005', lower.id, [{ skuId: puer, quantity: 2 }], '郑女士', 'lower-1');
  await services.orders.complete(received.orderId, received.buyerId);
  await buy('13900000004', lower.id, [{ skuId: rice, quantity: 3 }], '吴先生', 'lower-2');
  await buy('13900000003', upper.id, [{ skuId: ejiao, quantity: 2 }, { skuId: rice, quantity: 1 }], '黄先生', 'upper-1');
  // an unpaid order, cancelled: its unit went back to the shop's stock
  const cancelledBuyer = await memberIdByPhone(services, '13900000002');
  const cancelled = await services.orders.checkout(cancelledBuyer, { items: [{ skuId: puer, quantity: 1 }], checkoutKey: 'demo-dealer-cancelled', shippingAddress: address('陈先生', '13900000002'), dealerShopId: upper.id });
  await services.orders.cancel(cancelledBuyer, cancelled.id);
}
