// Demo data of the group-buys feature, added by the demo seed after the core's: a running 3-person
// offer on the 阿胶糕 (both flavours at a group price), and one open group its opener (13900000003)
// paid for, so the product page and the home strip show a group to join.
import type { Services } from '../../services.js';

async function memberIdByPhone(services: Services, phone: string): Promise<number> {
  return (await services.members.search(services.db, { q: phone, limit: 1, offset: 0 })).items[0].id;
}

export async function seedGroupBuys(services: Services): Promise<void> {
  const operatorId = await memberIdByPhone(services, '13800000001');
  const products = await services.catalog.list(services.db, { limit: 20, offset: 0 });
  const ejiao = products.find((p) => p.title.includes('阿胶糕'));
  if (!ejiao) return;
  const now = services.clock.now();
  const offer = await services.groupBuys.offers.create(operatorId, ejiao.id, {
    title: '阿胶糕 3 人团',
    skus: ejiao.skus.map((s) => ({ skuId: s.id, groupPriceFen: s.priceFen - 3_000 })),
    groupSize: 3,
    timeLimitHours: 24,
    startsAt: new Date(now.getTime() - 3_600_000),
    endsAt: new Date(now.getTime() + 30 * 86_400_000),
    simulatedFill: false,
  });
  if (!services.config.devPaymentProvider) return;
  const openerId = await memberIdByPhone(services, '13900000003');
  const order = await services.orders.checkout(openerId, {
    items: [{ skuId: offer.skus[0]!.skuId, quantity: 1 }],
    checkoutKey: 'demo-group-buy-open',
    shippingAddress: { name: '黄先生', phone: '13900000003', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号', regionCode: '330106' },
    campaign: { kind: 'group_buy', id: offer.id },
  });
  const payment = await services.payments.startPayment(openerId, order.id, { provider: 'dev', method: 'dev' });
  await services.payments.simulateDevPayment(openerId, payment.outTradeNo);
}
