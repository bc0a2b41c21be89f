// Demo data of the suppliers feature, added by the demo seed after the core's: a supplier (member
// 13700000001, password demo1234, also a distributor under the chain's top) with two approved
// products and one pending proposal, and paid orders so its settlements show pending and frozen money.
import { inTransaction } from '../../db/database.js';
import type { Services } from '../../services.js';
import { MembersService } from '../members/index.js';

export const DEMO_SUPPLIER_PHONE = '13700000001';
const DEMO_PASSWORD = 'demo1234';

async function memberIdByPhone(services: Services, phone: string): Promise<number> {
  return (await services.members.search(services.db, { q: phone, limit: 1, offset: 0 })).items[0].id;
}

export async function seedSuppliers(services: Services): Promise<void> {
  const ownerId = await memberIdByPhone(services, '13800000000');
  const chainTop = await services.members.get(services.db, await memberIdByPhone(services, '13900000001'));
  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  const supplierMember = await inTransaction(services.db, (tx) =>
    services.members.createMember(tx, { phone: DEMO_SUPPLIER_PHONE, passwordHash, nickname: '云岭茶业·周', inviteCode: chainTop?.inviteCode }),
  );
  const supplier = await services.suppliers.create(ownerId, {
    memberId: supplierMember.id,
    companyName: '云岭茶业有限公司',
    contactName: '周经理',
    contactPhone: '13700000001',
    platformFeeBp: 500,
  });

  const blackTea = await services.suppliers.propose(supplier, {
    title: '云岭高山滇红 250g',
    category: '茶饮',
    description: '云南临沧高山古树滇红，供应商直发',
    skus: [
      { name: '罐装', retailPriceFen: 12_800, supplyPriceFen: 7_800, stock: 300 },
      { name: '礼盒装', retailPriceFen: 26_800, supplyPriceFen: 16_800, stock: 100 },
    ],
  });
  const mushrooms = await services.suppliers.propose(supplier, {
    title: '野生菌干货组合 500g',
    category: '生鲜',
    description: '松茸、牛肝菌、鸡枞，产地烘干',
    skus: [{ name: '标准装', retailPriceFen: 9_900, supplyPriceFen: 6_150, stock: 200 }],
  });
  await services.suppliers.propose(supplier, {
    title: '普洱茶膏 50g',
    category: '茶饮',
    description: '待总部审核的新品',
    skus: [{ name: '小瓶', retailPriceFen: 19_900, supplyPriceFen: 12_000, stock: 50 }],
  });
  const teaProduct = await services.suppliers.approve(ownerId, blackTea.id);
  const mushroomProduct = await services.suppliers.approve(ownerId, mushrooms.id);
  const sku = (product: typeof teaProduct, name: string) => product.skus.find((s) => s.name === name)!.id;

  if (!services.config.devPaymentProvider) return;
  // each buyer's own name and phone: one address and phone for several members would link them as one person (风控)
  const address = (name: string, phone: string) => ({ name, phone, province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南路 88 号', regionCode: '440305' });
  async function buy(phone: string, items: Array<{ skuId: number; quantity: number }>, consignee: string) {
    const buyerId = await memberIdByPhone(services, phone);
    const order = await services.orders.checkout(buyerId, { items, checkoutKey: `demo-supplier-${phone}-${items.map((i) => i.skuId).join('-')}`, shippingAddress: address(consignee, phone) });
    const payment = await services.payments.startPayment(buyerId, order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(buyerId, payment.outTradeNo);
    return { orderId: order.id, buyerId };
  }
  // pending: paid, waiting to be shipped (a mixed order with HQ's own rice too)
  const rice = (await services.catalog.list(services.db, { q: '五常大米', limit: 1, offset: 0 }))[0];
  await buy('13900000005', [{ skuId: sku(teaProduct, '罐装'), quantity: 2 }, { skuId: mushroomProduct.skus[0].id, quantity: 1 }, ...(rice ? [{ skuId: rice.skus[0].id, quantity: 1 }] : [])], '郑女士');
  // frozen: shipped by the supplier and received, the return window running
  const gift = await buy('13900000004', [{ skuId: sku(teaProduct, '礼盒装'), quantity: 2 }], '吴先生');
  await services.suppliers.ship(supplier, supplierMember.id, gift.orderId, { carrier: '顺丰速运', trackingNo: 'SF1400000001' });
  await services.orders.complete(gift.orderId, gift.buyerId);
  // shipped, not yet received
  const mushroomOrder = await buy('13900000003', [{ skuId: mushroomProduct.skus[0].id, quantity: 3 }], '黄先生');
  await services.suppliers.ship(supplier, supplierMember.id, mushroomOrder.orderId, { carrier: '中通快递', trackingNo: 'ZT7300000002' });
}
