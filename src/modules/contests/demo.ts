// Demo data of the contests feature, added by the demo seed after the core's: member tags, three
// squads of demo-chain members and a few extra distributors, a finished PK contest whose prizes were
// paid, and a contest running now — every sale a real paid order through the services.
import { inTransaction } from '../../db/database.js';
import { DEMO_CHAIN, DEMO_HQ, DEMO_PASSWORD } from '../../demo/seed.js';
import type { Services } from '../../services.js';
import { MembersService } from '../members/index.js';

const ADDRESS = { name: '周先生', phone: '13933300001', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 8 号', regionCode: '440305' };
const DAY = 86_400_000;

// squad members of our own: [phone, nickname, inviter (a demo-chain index)]
const KOLS = [
  ['13933300001', 'KOL·糖糖', 0],
  ['13933300002', 'KOL·小雨', 0],
  ['13933300003', 'KOL·阿峰', 1],
  ['13933300004', 'KOL·米粒', 2],
] as const;

// fans who buy: [phone, nickname, inviter (index into the squad-member list below)]
const FANS = [
  ['13933300011', '粉丝·一一', 'chain0'],
  ['13933300012', '粉丝·二二', 'kol1'],
  ['13933300013', '粉丝·三三', 'chain1'],
  ['13933300014', '粉丝·四四', 'kol2'],
  ['13933300015', '粉丝·五五', 'kol0'],
  ['13933300016', '粉丝·六六', 'kol3'],
  ['13933300017', '粉丝·七七', 'chain2'],
] as const;

// [fan index, sku index, quantity]: the finished contest's orders, then the running one's
const FINISHED_ORDERS: Array<[number, number, number]> = [[0, 0, 2], [1, 6, 2], [2, 3, 1], [3, 1, 1], [4, 4, 1], [5, 2, 3], [6, 8, 2]];
const RUNNING_ORDERS: Array<[number, number, number]> = [[4, 6, 2], [5, 0, 1], [1, 3, 1], [2, 7, 2], [0, 1, 1], [3, 2, 2], [6, 4, 1], [4, 8, 3]];

export async function seedContests(services: Services): Promise<void> {
  const idOf = async (phone: string) => (await services.db.selectFrom('members').select(['id', 'invite_code']).where('phone', '=', phone).executeTakeFirstOrThrow());
  const ownerId = (await idOf(DEMO_HQ[0].phone)).id;
  const chain = await Promise.all(DEMO_CHAIN.map(idOf));
  const skus = await services.db.selectFrom('product_skus').select('id').where('stock', '>', 0).where('retired_at', 'is', null).orderBy('id').execute();

  const passwordHash = await MembersService.hashPassword(DEMO_PASSWORD);
  const people = new Map<string, { id: number; inviteCode: string }>(chain.map((m, i) => [`chain${i}`, { id: m.id, inviteCode: m.invite_code }]));
  const fans: number[] = [];
  await inTransaction(services.db, async (tx) => {
    for (const [i, [phone, nickname, inviter]] of KOLS.entries()) {
      const m = await services.members.createMember(tx, { phone, passwordHash, nickname, inviteCode: chain[inviter].invite_code });
      people.set(`kol${i}`, { id: m.id, inviteCode: m.inviteCode });
    }
    for (const [phone, nickname, inviter] of FANS) fans.push((await services.members.createMember(tx, { phone, passwordHash, nickname, inviteCode: people.get(inviter)!.inviteCode })).id);
  });
  const id = (key: string) => people.get(key)!.id;

  // HQ's tags, then squads with captains picked among the tagged
  await services.squads.setTags(ownerId, id('chain0'), ['KOL', '头部推客']);
  await services.squads.setTags(ownerId, id('chain1'), ['KOL']);
  await services.squads.setTags(ownerId, id('kol0'), ['KOL', '宝妈']);
  await services.squads.setTags(ownerId, id('kol2'), ['新锐']);
  const rosters: Array<[string, string, string[]]> = [
    ['烈焰战队', 'chain0', ['chain2', 'kol1']],
    ['闪电战队', 'chain1', ['chain3', 'kol2']],
    ['星光战队', 'kol0', ['kol3', 'chain4']],
  ];
  const squadIds: number[] = [];
  for (const [name, captain, members] of rosters) {
    const squad = await services.squads.create(ownerId, { name, captainId: id(captain) });
    for (const m of members) await services.squads.join(id(m), squad.inviteCode);
    squadIds.push(squad.id);
  }
  if (!services.config.devPaymentProvider || skus.length === 0) return;

  let n = 0;
  const buy = async ([fan, sku, quantity]: [number, number, number]) => {
    const order = await services.orders.checkout(fans[fan], { items: [{ skuId: skus[sku % skus.length].id, quantity }], checkoutKey: `demo-contests-${n++}`, shippingAddress: ADDRESS });
    const payment = await services.payments.startPayment(fans[fan], order.id, { provider: 'dev', method: 'dev' });
    await services.payments.simulateDevPayment(fans[fan], payment.outTradeNo);
  };

  // the finished contest: a week that ended a moment ago, results frozen and prizes paid by the deadline job
  for (const order of FINISHED_ORDERS) await buy(order);
  // the deadline just after the last of those payments; wait it out so the deadline job may run
  const finishedAt = new Date(services.clock.now().getTime() + 1);
  for (let i = 0; i < 100 && services.clock.now() <= finishedAt; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  await services.contests.create(
    ownerId,
    { name: '双十一 PK 赛', metric: 'sales', startAt: new Date(finishedAt.getTime() - 7 * DAY), deadline: finishedAt, squadIds, prizes: [{ rank: 1, amountFen: 80_000 }, { rank: 2, amountFen: 50_000 }, { rank: 3, amountFen: 30_000 }] },
    { backfill: true },
  );
  await services.contests.finalizeDue();

  // the running contest: from that deadline for a week, with live sales already in
  const running = await services.contests.create(ownerId, {
    name: '双十二冲刺 PK 赛',
    metric: 'sales',
    startAt: new Date(finishedAt.getTime() + 1),
    deadline: new Date(finishedAt.getTime() + 7 * DAY),
    squadIds,
    prizes: [{ rank: 1, amountFen: 100_000 }, { rank: 2, amountFen: 60_000 }, { rank: 3, amountFen: 30_000 }],
  });
  for (const order of RUNNING_ORDERS) await buy(order);
  // and an invites contest next week, so the console shows a scheduled one too: recruiting alone pays
  // points and honours, never cash (the compliance guard)
  await services.contests.create(ownerId, {
    name: '新春拉新赛',
    metric: 'invites',
    startAt: new Date(running.deadline.getTime()),
    deadline: new Date(running.deadline.getTime() + 14 * DAY),
    squadIds,
    prizes: [{ rank: 1, kind: 'points', points: 5_000 }, { rank: 2, kind: 'points', points: 2_000 }, { rank: 3, kind: 'honour', title: '拉新新锐' }],
  });
}
