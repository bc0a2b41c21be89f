// Demo data of the channels feature (agents and stores), added after the core's demo: two agent
// levels; a non-regional agent (13700000021) who brought in another (13700000022, with a yearly
// target and customers 13700000023/24 whose orders pay it sales awards); a province and a city
// agent in a chain (13700000025/26) earning differentials on Shenzhen orders; a store with a manager
// who is also a distributor (13700000027), a customer bound by pickup (13700000028) and one bound by
// scanning the store's code (13700000029). Password demo1234.
import { inTransaction } from '../../db/database.js';
import type { Services } from '../../services.js';
import { MembersService } from '../members/index.js';

const DEMO_PASSWORD = 'demo1234';
export const DEMO_CHANNEL_MEMBERS = [
  { phone: '13700000021', nickname: '金牌代理·孙', referrer: null },
  { phone: '13700000022', nickname: '银牌代理·周', referrer: '13700000021' },
  { phone: '13700000023', nickname: '代理客户·钱', referrer: '13700000022' },
  { phone: '13700000024', nickname: '代理客户·李', referrer: '13700000022' },
  { phone: '13700000025', nickname: '广东省代理·冯', referrer: null },
  { phone: '13700000026', nickname: '深圳市代理·卫', referrer: null },
  { phone: '13700000027', nickname: '南山店长·蒋', referrer: null },
  { phone: '13700000028', nickname: '门店顾客·沈', referrer: '13700000027' },
  { phone: '13700000029', nickname: '扫码顾客·韩', referrer: null },
] as const;

export async function seedChannels(services: Services): Promise<void> {
  const ownerId = (await services.members.search(services.db, { q: '13800000000', limit: 1, offset: 0 })).items[0].id;
  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  const ids = new Map<string, number>();
  const invites = new Map<string, string>();
  await inTransaction(services.db, async (tx) => {
    for (const m of DEMO_CHANNEL_MEMBERS) {
      const created = await services.members.createMember(tx, { phone: m.phone, passwordHash, nickname: m.nickname, inviteCode: m.referrer ? invites.get(m.referrer) : undefined });
      ids.set(m.phone, created.id);
      invites.set(m.phone, created.inviteCode);
    }
  });
  const id = (phone: string) => ids.get(phone)!;

  const now = services.clock.now();
  const year = new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
  const term = { termStart: new Date(Date.UTC(year, 0, 1) - 8 * 3_600_000), termEnd: new Date(Date.UTC(year + 2, 0, 1) - 8 * 3_600_000) };

  // referral awards in points: bringing in an agent is recruiting, which may not pay cash (the compliance guard)
  const gold = await services.agents.saveLevel(ownerId, { name: '金牌代理', salesAwardBp: 800, referralAwardFen: 0, referralAwardPoints: 1_880 });
  const silver = await services.agents.saveLevel(ownerId, { name: '银牌代理', salesAwardBp: 500, referralAwardFen: 0, referralAwardPoints: 880 });
  await services.agents.appointNonRegional(ownerId, { memberId: id('13700000021'), levelId: gold.id, ...term });
  // the gold agent brought in the silver one: an 880-point referral award
  const silverAgent = await services.agents.appointNonRegional(ownerId, { memberId: id('13700000022'), levelId: silver.id, ...term });
  await services.agents.setTarget(ownerId, silverAgent.id, year, { quartersFen: [300_000, 400_000, 500_000, 800_000] });
  const province = await services.agents.createRegional(ownerId, { memberId: id('13700000025'), regionCode: '440000', rateBp: 800, ...term });
  const city = await services.agents.createRegional(ownerId, { memberId: id('13700000026'), regionCode: '440300', parentAgentId: province.id, rateBp: 500, ...term });
  await services.agents.setTarget(ownerId, city.id, year, { yearFen: 2_000_000 });

  const store = await services.stores.create(ownerId, { name: '深圳南山旗舰店', regionCode: '440305', address: '深圳市南山区科技园南路 88 号', latitude: 22.5405, longitude: 113.9532, openingHours: '10:00-22:00', phone: '0755-86000000' });
  await services.stores.create(ownerId, { name: '深圳南山海岸城店', regionCode: '440305', address: '深圳市南山区文心五路 33 号', latitude: 22.5171, longitude: 113.9366 });
  await services.stores.addStaff(ownerId, store.id, id('13700000027'), 'manager');
  await services.stores.bindByScan(id('13700000029'), store.id);

  if (!services.config.devPaymentProvider) return;
  const products = await services.catalog.list(services.db, { limit: 20, offset: 0 });
  const skuOf = (title: string, name: string) => products.find((p) => p.title.includes(title))!.skus.find((s) => s.name === name)!.id;
  const address = { name: '钱女士', phone: '13912345678', province: '广东省', city: '深圳市', district: '南山区', detail: '后海大道 1 号', regionCode: '440305' };
  async function buy(phone: string, items: Array<{ skuId: number; quantity: number }>, key: string, delivery: { pickupStoreId: number } | { shippingAddress: typeof address }) {
    const buyerId = id(phone);
    // each buyer at their own door with their own phone: one shared consignee would link them as one person (risk)
    const own = 'shippingAddress' in delivery ? { shippingAddress: { ...delivery.shippingAddress, phone, detail: `${delivery.shippingAddress.detail} ${phone.slice(-3)} 室` } } : delivery;
    const order = await services.orders.checkout(buyerId, { items, checkoutKey: `demo-channels-${key}`, ...own });
    const payment = await services.payments.startPayment(buyerId, order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(buyerId, payment.outTradeNo);
    return { orderId: order.id, buyerId };
  }
  // the silver agent's customers, shipped to Nanshan: sales awards for the silver agent, differentials for the regional chain
  const first = await buy('13700000023', [{ skuId: skuOf('普洱', '生茶'), quantity: 2 }], 'agent-1', { shippingAddress: address });
  await services.orders.complete(first.orderId, first.buyerId);
  await buy('13700000024', [{ skuId: skuOf('四件套', '米白 / 1.8m 床'), quantity: 1 }, { skuId: skuOf('五常大米', '5kg 装'), quantity: 2 }], 'agent-2', { shippingAddress: address });
  await buy('13700000022', [{ skuId: skuOf('阿胶糕', '原味'), quantity: 1 }], 'agent-3', { shippingAddress: address });
  // the store: the manager's friend picks up (bound by it, the manager earns commission), the manager redeems;
  // the scanned customer picks up at the other Nanshan store and the order still counts for the flagship
  const pickup = await buy('13700000028', [{ skuId: skuOf('苹果', '大果'), quantity: 2 }], 'store-1', { pickupStoreId: store.id });
  const code = (await services.orders.get(services.db, pickup.orderId, pickup.buyerId)).pickup?.code;
  if (code) await services.orders.redeemPickup(id('13700000027'), code, (ex, storeId, memberId) => services.stores.isStaff(ex, storeId, memberId));
  const other = (await services.stores.list(services.db)).find((s) => s.name === '深圳南山海岸城店')!;
  await buy('13700000029', [{ skuId: skuOf('普洱', '熟茶'), quantity: 1 }], 'store-2', { pickupStoreId: other.id });
}
