// Pure arithmetic of a contest's outcome: ranking squads and splitting prizes. No database here.
import { allocateProportionally } from '../../money.js';

export interface SquadTotal {
  squadId: number;
  value: number;
}

export interface RankedSquad extends SquadTotal {
  /** competition ranking: equal values share a rank and the next rank skips (1, 1, 3) */
  rank: number;
}

/** Ranks by value, highest first; ties share the rank and are listed by squad id. */
export function rankSquads(totals: SquadTotal[]): RankedSquad[] {
  const sorted = [...totals].sort((a, b) => b.value - a.value || a.squadId - b.squadId);
  let rank = 0;
  return sorted.map((s, index) => {
    if (index === 0 || s.value !== sorted[index - 1].value) rank = index + 1;
    return { ...s, rank };
  });
}

/**
 * Each squad's prize. Squads tied over positions p..p+k-1 pool the prizes of those positions and
 * split the pool equally (largest remainder, so the parts add up to the pool; the lower squad id
 * takes a leftover fen). A position without a prize pays nothing.
 */
export function squadPrizes(ranked: RankedSquad[], prizeByRank: Map<number, number>): Map<number, number> {
  const prizes = new Map<number, number>();
  for (let start = 0; start < ranked.length; ) {
    let end = start;
    while (end + 1 < ranked.length && ranked[end + 1].rank === ranked[start].rank) end += 1;
    let pool = 0;
    for (let position = start + 1; position <= end + 1; position++) pool += prizeByRank.get(position) ?? 0;
    const tied = ranked.slice(start, end + 1);
    const shares = allocateProportionally(pool, tied.map(() => 1));
    tied.forEach((s, i) => prizes.set(s.squadId, shares[i]));
    start = end + 1;
  }
  return prizes;
}

/**
 * Splits a squad's prize among its members in proportion to their contributions (largest
 * remainder); members who contributed nothing get nothing; when nobody contributed the captain
 * takes it all. The parts always add up to the prize.
 */
export function splitSquadPrize(prizeFen: number, captainId: number, members: Array<{ memberId: number; value: number }>): Map<number, number> {
  const split = new Map<number, number>();
  if (prizeFen <= 0) return split;
  const contributors = members.filter((m) => m.value > 0).sort((a, b) => a.memberId - b.memberId);
  if (contributors.length === 0) {
    split.set(captainId, prizeFen);
    return split;
  }
  const shares = allocateProportionally(prizeFen, contributors.map((m) => m.value));
  contributors.forEach((m, i) => {
    if (shares[i] > 0) split.set(m.memberId, shares[i]);
  });
  return split;
}
