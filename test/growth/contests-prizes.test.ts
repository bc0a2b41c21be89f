import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankSquads, splitSquadPrize, squadPrizes } from '../../src/modules/contests/prizes.js';

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
