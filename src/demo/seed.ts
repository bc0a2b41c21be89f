// Demo data for a fresh install: an HQ team, a five-level referral chain, products, and a few
// paid orders so the distributor centre and dashboard show real numbers. Runs only on an empty database.
import { inTransaction } from '../db/database.js';
import { MembersService } from '../modules/members/index.js';
import type { Services } from '../services.js';
import { seedChannels } from '../modules/agents/index.js';
import { seedPromotions } from '../modules/promotions/index.js';
import { seedLoyalty } from '../modules/loyalty/index.js';
import { seedGrowth } from '../modules/growth/index.js';
import { seedContests } from '../modules/contests/index.js';
import { seedInsights } from '../modules/insights/index.js';
import { seedSuppliers } from '../modules/suppliers/index.js';
import { seedDealers } from '../modules/dealers/index.js';
import { seedBargains } from '../modules/bargains/index.js';
import { seedGroupBuys } from '../modules/group-buys/index.js';
import { seedFlashSales } from '../modules/flash-sales/index.js';
import { seedProductPictures, seedSkuPictures } from './pictures.js';

export const DEMO_PASSWORD = 'demo1234';

export const DEMO_HQ = [
  { phone: '13800000000', nickname: '总部老板', role: 'owner' },
  { phone: '13800000001', nickname: '运营小王', role: 'operator' },
  { phone: '13800000002', nickname: '财务小李', role: 'finance' },
  { phone: '13800000003', nickname: '客服小赵', role: 'support' },
  { phone: '13800000004', nickname: '审计老周', role: 'auditor' },
] as const;

export const DEMO_CHAIN = ['13900000001', '13900000002', '13900000003', '13900000004', '13900000005'];
const CHAIN_NAMES = ['一级大咖·林', '二级推客·陈', '三级推客·黄', '四级推客·吴', '新买家·郑'];

const PRODUCTS = [
  { title: '云南古树普洱茶饼 357g', category: '茶饮', imageUrl: null, description: '云南西双版纳古树春茶，传统石磨压制，357 克一饼；生茶回甘，熟茶醇厚。', skus: [{ name: '生茶', priceFen: 29_900, stock: 500, listPriceFen: 39_900 }, { name: '熟茶', priceFen: 26_900, stock: 500, listPriceFen: 32_900 }] },
  { title: '有机五常大米 5kg', category: '粮油', imageUrl: null, skus: [{ name: '5kg 装', priceFen: 8_990, stock: 2_000 }] },
  { title: '手工阿胶糕 500g', category: '滋补', imageUrl: null, skus: [{ name: '原味', priceFen: 15_800, stock: 800 }, { name: '玫瑰味', priceFen: 16_800, stock: 800 }] },
  {
    title: '纯棉四件套',
    category: '家纺',
    imageUrl: null,
    skus: [],
    // 规格: 颜色 × 尺寸 make four SKUs, the larger bed dearer
    specs: {
      attributes: [{ name: '颜色', values: ['米白', '雾蓝'] }, { name: '尺寸', values: ['1.5m 床', '1.8m 床'] }],
      skus: [
        { specValues: ['米白', '1.5m 床'], priceFen: 39_900, stock: 150 },
        { specValues: ['米白', '1.8m 床'], priceFen: 45_900, stock: 150 },
        { specValues: ['雾蓝', '1.5m 床'], priceFen: 39_900, stock: 150 },
        { specValues: ['雾蓝', '1.8m 床'], priceFen: 45_900, stock: 0 },
      ],
    },
  },
  { title: '新疆阿克苏冰糖心苹果 5kg', category: '生鲜', imageUrl: null, skus: [{ name: '中果', priceFen: 5_990, stock: 1_000 }, { name: '大果', priceFen: 7_990, stock: 1_000 }] },
];

/** The demo; `features: false` leaves out every feature's demo (coupons, contests, channels…), for a quick minimal install. */
export async function seedDemo(services: Services, options: { features?: boolean } = {}): Promise<boolean> {
  const existing = await services.db.selectFrom('members').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  await inTransaction(services.db, async (tx) => {
    for (const hq of DEMO_HQ) await services.members.createMember(tx, { phone: hq.phone, passwordHash, nickname: hq.nickname, hqRole: hq.role });
    let inviteCode: string | undefined;
    for (let i = 0; i < DEMO_CHAIN.length; i++) {
      const m = await services.members.createMember(tx, { phone: DEMO_CHAIN[i], passwordHash, nickname: CHAIN_NAMES[i], inviteCode });
      inviteCode = m.inviteCode;
    }
    await services.members.addMissingTiers(tx, [{ id: 2, name: '银牌推客', rank: 2 }, { id: 3, name: '金牌推客', rank: 3 }]);
  });
  const products = [];
  for (const product of PRODUCTS) products.push(await services.catalog.create(product));
  // drawn here and stored through the media storage, like uploads (src/demo/pictures.ts)
  await seedProductPictures(services, products);
  for (const p of products) await seedSkuPictures(services, p);
  const rules = await services.rules.current(services.db);
  const ownerId = (await services.members.search(services.db, { q: DEMO_HQ[0].phone, limit: 1, offset: 0 })).items[0].id;
  await inTransaction(services.db, (tx) =>
    services.rules.save(
      tx,
      {
        ...rules.config,
        commission: { ...rules.config.commission, tierRatesBp: { '1': [1_000, 500, 300], '2': [1_200, 600, 300], '3': [1_500, 800, 400] } },
        payout: { ...rules.config.payout, autoApproveMaxFen: 5_000, minAmountFen: 100, feeBp: 0 },
        order: { shippingFen: 800, freeShippingMinFen: 9_900, fullReduction: [{ thresholdFen: 30_000, offFen: 3_000 }] },
      },
      ownerId,
      'demo rules: three tiers, ¥300 minus ¥30, free shipping from ¥99',
    ),
  );
  if (options.features === false) {
    await services.orders.drainEffects();
    return true;
  }
  // each feature adds its own demo data on top of the core's
  await seedPromotions(services);
  await seedLoyalty(services);
  await seedGrowth(services);
  await seedContests(services);
  await seedInsights(services);
  await seedSuppliers(services);
  await seedDealers(services);
  await seedBargains(services);
  await seedGroupBuys(services);
  await seedFlashSales(services);
  await seedChannels(services);
  // the participants' deferred effects of the demo's orders (points, growth, boards) are in place when it returns
  await services.orders.drainEffects();
  return true;
}
