// Demo data of the bargains feature, added by the demo seed after the core's: a running offer on the
// rice (¥89.90 down to ¥9.90 with 5 friends' help, 24 hours per bargain, anyone may help) and one
// bargain 新买家·郑 started that two friends of the chain have already cut.
import type { Services } from '../../services.js';

const HOUR_MS = 3_600_000;

async function memberIdByPhone(services: Services, phone: string): Promise<number> {
  return (await services.members.search(services.db, { q: phone, limit: 1, offset: 0 })).items[0].id;
}

export async function seedBargains(services: Services): Promise<void> {
  const operatorId = await memberIdByPhone(services, '13800000001');
  const products = await services.catalog.list(services.db, { limit: 20, offset: 0 });
  const rice = products.find((p) => p.title.includes('五常大米'))!.skus[0]!;
  const now = services.clock.now();
  const offer = await services.bargainOffers.create(operatorId, {
    skuId: rice.id,
    floorPriceFen: 990,
    helpersNeeded: 5,
    timeLimitHours: 24,
    helperRule: 'anyone',
    startsAt: new Date(now.getTime() - HOUR_MS),
    endsAt: new Date(now.getTime() + 30 * 24 * HOUR_MS),
    stockCap: 100,
  });
  const starter = await memberIdByPhone(services, '13900000005');
  const bargain = await services.bargains.start(starter, offer.id);
  for (const phone of ['13900000004', '13900000003']) await services.bargains.help(await memberIdByPhone(services, phone), bargain.id);
}
