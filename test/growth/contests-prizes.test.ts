import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paysCashForRecruiting, rankSquads, splitSquadPrize, squadAwards, squadPrizes } from '../../src/modules/contests/prizes.js';

describe('contest prizes (pure)', () => {
  it('ranks by value with shared ranks for ties (1, 1, 3)', () => {
    const ranked = rankSquads([{ squadId: 3, value: 50 }, { squadId: 1, value: 80 }, { squadId: 2, value: 80 }]);
    expect(ranked).toEqual([{ squadId: 1, value: 80, rank: 1 }, { squadId: 2, value: 80, rank: 1 }, { squadId: 3, value: 50, rank: 3 }]);
  });

  it('tied squads pool the prizes of the positions they hold and split them equally', () => {
    const ranked = rankSquads([{ squadId: 1, value: 80 }, { squadId: 2, value: 80 }, { squadId: 3, value: 50 }]);
    const prizes = squadPrizes(ranked, new Map([[1, 10_001], [2, 5_000], [3, 1_000]]));
    // (10 001 + 5 000) / 2: the lower squad id takes the odd fen
    expect([prizes.get(1), prizes.get(2), prizes.get(3)]).toEqual([7_501, 7_500, 1_000]);
  });

  it('splits a squad prize by contribution, nothing to members with 0, all to the captain when nobody contributed', () => {
    const split = splitSquadPrize(10_000, 9, [{ memberId: 1, value: 2 }, { memberId: 2, value: 1 }, { memberId: 9, value: 0 }]);
    expect([...split.entries()].sort()).toEqual([[1, 6_667], [2, 3_333]]);
    expect([...splitSquadPrize(5_000, 9, [{ memberId: 1, value: 0 }, { memberId: 9, value: 0 }]).entries()]).toEqual([[9, 5_000]]);
    expect(splitSquadPrize(0, 9, [{ memberId: 1, value: 5 }]).size).toBe(0);
  });

  it('cash and points pool over ties each on its own; tied squads share the best honour of their positions', () => {
    const ranked = rankSquads([{ squadId: 1, value: 80 }, { squadId: 2, value: 80 }, { squadId: 3, value: 50 }]);
    // one prize per rank (the service refuses a second): cash for 1st, an honour for 2nd, points for 3rd
    const awards = squadAwards(ranked, [
      { rank: 1, kind: 'cash', amountFen: 1_001 },
      { rank: 2, kind: 'honour', title: '亚军' },
      { rank: 3, kind: 'points', points: 300 },
    ]);
    expect([awards.get(1), awards.get(2), awards.get(3)]).toEqual([
      { cashFen: 501, points: 0, honour: '亚军' },
      { cashFen: 500, points: 0, honour: '亚军' },
      { cashFen: 0, points: 300, honour: null },
    ]);
    expect(paysCashForRecruiting('invites', [{ kind: 'points' }, { kind: 'cash' }])).toBe(true);
    expect(paysCashForRecruiting('invites', [{ kind: 'points' }, { kind: 'honour' }])).toBe(false);
    expect(paysCashForRecruiting('sales', [{ kind: 'cash' }])).toBe(false);
  });

  it('the parts always add up: squads to the prize total, members to their squad prize', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 2, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 50_000 }), { minLength: 0, maxLength: 10 }),
        (values, prizeList, memberValues) => {
          const ranked = rankSquads(values.map((value, i) => ({ squadId: i + 1, value })));
          // HQ gives a better rank a prize at least as large
          const prizeByRank = new Map([...prizeList].sort((a, b) => b - a).slice(0, values.length).map((p, i) => [i + 1, p]));
          const prizes = squadPrizes(ranked, prizeByRank);
          const total = [...prizeByRank.values()].reduce((s, p) => s + p, 0);
          expect([...prizes.values()].reduce((s, p) => s + p, 0)).toBe(total);
          // a better squad never gets less than a worse one
          for (let i = 1; i < ranked.length; i++) expect(prizes.get(ranked[i - 1].squadId)! + 1).toBeGreaterThanOrEqual(prizes.get(ranked[i].squadId)!);
          const split = splitSquadPrize(total, 999, memberValues.map((value, i) => ({ memberId: i + 1, value })));
          expect([...split.values()].reduce((s, p) => s + p, 0)).toBe(total);
          for (const [memberId, fen] of split) expect(fen > 0 && (memberId === 999 || memberValues[memberId - 1] > 0)).toBe(true);
        },
      ),
    );
  });
});
