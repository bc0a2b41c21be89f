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

/** A prize of a rank: cash (fen), points or an honour (a title). */
export type Prize = { rank: number; kind: 'cash'; amountFen: number } | { rank: number; kind: 'points'; points: number } | { rank: number; kind: 'honour'; title: string };

export interface SquadAward {
  cashFen: number;
  points: number;
  honour: string | null;
}

/**
 * Each squad's award: cash and points are pooled and split over tied positions as squadPrizes does,
 * each on its own; an honour cannot be split, so squads tied over positions share the best honour of
 * those positions.
 */
export function squadAwards(ranked: RankedSquad[], prizes: Prize[]): Map<number, SquadAward> {
  const cash = squadPrizes(ranked, new Map(prizes.flatMap((p) => (p.kind === 'cash' ? [[p.rank, p.amountFen] as const] : []))));
  const points = squadPrizes(ranked, new Map(prizes.flatMap((p) => (p.kind === 'points' ? [[p.rank, p.points] as const] : []))));
  const titles = new Map(prizes.flatMap((p) => (p.kind === 'honour' ? [[p.rank, p.title] as const] : [])));
  const awards = new Map<number, SquadAward>();
  for (let start = 0; start < ranked.length; ) {
    let end = start;
    while (end + 1 < ranked.length && ranked[end + 1].rank === ranked[start].rank) end += 1;
    let honour: string | null = null;
    for (let position = start + 1; position <= end + 1 && honour === null; position++) honour = titles.get(position) ?? null;
    for (const s of ranked.slice(start, end + 1)) awards.set(s.squadId, { cashFen: cash.get(s.squadId) ?? 0, points: points.get(s.squadId) ?? 0, honour });
    start = end + 1;
  }
  return awards;
}

/** Whether a contest pays withdrawable cash for recruiting alone: an invites contest with a cash prize. */
export function paysCashForRecruiting(metric: string, prizes: Array<{ kind: string }>): boolean {
  return metric === 'invites' && prizes.some((p) => p.kind === 'cash');
}

/** A contest_prizes row as a Prize. */
export function prizeFromRow(row: { rank: number; kind: 'cash' | 'points' | 'honour'; amount_fen: number | null; points: number | null; title: string | null }): Prize {
  if (row.kind === 'points') return { rank: row.rank, kind: 'points', points: Number(row.points) };
  if (row.kind === 'honour') return { rank: row.rank, kind: 'honour', title: row.title ?? '' };
  return { rank: row.rank, kind: 'cash', amountFen: Number(row.amount_fen) };
}

/** A prize as the API shows it: every field, amountFen 0 and points/title null where they do not apply. */
export function prizeView(p: Prize) {
  return {
    rank: p.rank,
    kind: p.kind,
    amountFen: p.kind === 'cash' ? p.amountFen : 0,
    points: p.kind === 'points' ? p.points : null,
    title: p.kind === 'honour' ? p.title : null,
  };
}
