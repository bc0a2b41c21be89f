// Demo data of the flash-sales feature, after the core's: one campaign running for a week on the
// big apples, at ¥49.90 instead of ¥79.90, 100 units, two per member.
import type { Services } from '../../services.js';

const DAY_MS = 86_400_000;

export async function seedFlashSales(services: Services): Promise<void> {
  const { db, flashSales } = services;
  const operator = await db.selectFrom('members').select('id').where('phone', '=', '13800000001').executeTakeFirstOrThrow();
  const apples = await db.selectFrom('product_skus as s').innerJoin('products as p', 'p.id', 's.product_id').select('s.id').where('p.title', '=', '新疆阿克苏冰糖心苹果 5kg').where('s.name', '=', '大果').executeTakeFirstOrThrow();
  const now = services.clock.now();
  await flashSales.create(operator.id, {
    name: '冰糖心苹果秒杀',
    startsAt: new Date(now.getTime() - 60_000),
    endsAt: new Date(now.getTime() + 7 * DAY_MS),
    unpaidMinutes: 5,
    items: [{ skuId: apples.id, priceFen: 4_990, stock: 100, perMemberLimit: 2 }],
  });
}
