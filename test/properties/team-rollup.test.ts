// Property: the team roll-up (append deltas, fold into totals) always equals the team computed
// straight from the closure table and members' sales — through registrations, sales, refunds and
// HQ moves of whole subtrees, read before and after any number of folds.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/database.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { hqMember, type RegisteredMember } from '../support/api.js';

describeEachDatabase('property: team roll-up equals the tree', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let phone = 0;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
  });
  afterAll(async () => app?.close());

  const truth = async (memberId: number) => {
    const row = await sql<{ team_size: number; direct_count: number; team_sales_fen: number; max_depth: number }>`
      select count(*) as team_size, count(*) filter (where c.distance = 1) as direct_count,
             coalesce(sum(s.paid_fen - s.refunded_fen), 0) as team_sales_fen, coalesce(max(c.distance), 0) as max_depth
      from referral_closure c left join referral_member_sales s on s.member_id = c.descendant_id
      where c.ancestor_id = ${memberId} and c.distance > 0`.execute(app.services.db);
    const r = row.rows[0];
    return { teamSize: r.team_size, directCount: r.direct_count, teamSalesFen: r.team_sales_fen, maxDepth: r.max_depth };
  };

  const step = fc.oneof(
    fc.record({ kind: fc.constant('join' as const), referrer: fc.nat() }),
    fc.record({ kind: fc.constant('sale' as const), buyer: fc.nat(), paidFen: fc.integer({ min: 1, max: 50_000 }) }),
    fc.record({ kind: fc.constant('refund' as const), buyer: fc.nat(), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('move' as const), member: fc.nat(), referrer: fc.option(fc.nat(), { nil: null }) }),
    fc.record({ kind: fc.constant('fold' as const), batchSize: fc.integer({ min: 1, max: 50 }) }),
  );

  it('size, direct count, sales and depth match after every sequence', async () => {
    const s = app.services;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        // a fresh forest per run: a root and whoever joins under it
        const members: number[] = [];
        const join = async (referrerId: number | null) => {
          phone += 1;
          const inviteCode = referrerId === null ? undefined : (await s.db.selectFrom('members').select('invite_code').where('id', '=', referrerId).executeTakeFirstOrThrow()).invite_code;
          const m = await inTransaction(s.db, (tx) => s.members.createMember(tx, { phone: `1770${String(process.pid % 1000).padStart(3, '0')}${String(phone).padStart(4, '0')}`, passwordHash: 'x', nickname: `t${phone}`, inviteCode }));
          members.push(m.id);
        };
        await join(null);
        for (const st of steps) {
          const pick = (n: number) => members[n % members.length];
          if (st.kind === 'join') await join(pick(st.referrer));
          else if (st.kind === 'sale') await inTransaction(s.db, (tx) => s.referral.recordSale(tx, pick(st.buyer), { paidFen: st.paidFen, orders: 1 }));
          else if (st.kind === 'refund') {
            const buyer = pick(st.buyer);
            const sales = await s.db.selectFrom('referral_member_sales').selectAll().where('member_id', '=', buyer).executeTakeFirst();
            const left = sales ? sales.paid_fen - sales.refunded_fen : 0;
            const refundedFen = Math.floor(left * st.share);
            if (refundedFen > 0) await inTransaction(s.db, (tx) => s.referral.recordSale(tx, buyer, { refundedFen }));
          } else if (st.kind === 'move') {
            const member = pick(st.member);
            const referrer = st.referrer === null ? null : pick(st.referrer);
            const current = await s.referral.referrerOf(s.db, member);
            if (referrer === member || (current?.referrerId ?? null) === referrer) continue;
            if (referrer !== null && (await s.referral.isAbove(s.db, member, referrer))) continue;
            await s.referral.rebindByHq(owner.id, member, referrer, 'property test', (await s.rules.current(s.db)).config.binding);
          } else {
            await s.referral.foldTeamTotals({ batchSize: st.batchSize });
          }
        }
        for (const id of members) expect(await s.referral.teamSummary(s.db, id)).toEqual(await truth(id));
        // and after folding everything (the depth of teams a subtree left is rechecked by the fold)
        for (let i = 0; i < 20 && (await s.referral.foldTeamTotals()).deltas > 0; i++);
        for (const id of members) expect(await s.referral.teamSummary(s.db, id)).toEqual(await truth(id));
        const left = await s.db.selectFrom('referral_team_deltas').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
        expect(left.n).toBe(0);
      }),
      { numRuns: kind === 'pglite' ? 25 : 15 },
    );
  }, 240_000);
});
