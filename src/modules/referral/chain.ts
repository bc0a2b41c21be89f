// The commission chain from the closure's rows (service.ts commissionChain): the nearest active
// distributors up the tree, level 1 first, with the buyer first under self-purchase. Members linked
// to the buyer (the risk module: a second phone on the same device, address or payout account) are
// the buyer: never paid as its referrers. Under self-purchase the person's nearest active identity —
// the buyer, else the nearest linked upline — takes level 1 as the self-purchase share; without it
// the person earns nothing. Everyone else keeps their order, so the person's real referrer is level 1.
import type { ChainMember } from '../commission/index.js';

export function chainOf(rows: Array<{ id: number; tier_id: number }>, buyerId: number, levels: number, selfPurchase: boolean, linked?: ReadonlySet<number>): ChainMember[] {
  let ordered = rows;
  if (linked?.size) {
    const isPerson = (id: number) => id === buyerId || linked.has(id);
    const person = selfPurchase ? rows.find((r) => isPerson(r.id)) : undefined;
    ordered = [...(person ? [person] : []), ...rows.filter((r) => !isPerson(r.id))];
  }
  return ordered.slice(0, levels).map((r, i) => ({ memberId: r.id, tierId: r.tier_id, level: i + 1 }));
}

/** How many closure rows to read so that `levels` remain once the buyer's identities are set apart. */
export function chainRowsNeeded(levels: number, linked?: ReadonlySet<number>): number {
  const extra = linked?.size ?? 0;
  return extra === 0 ? levels : levels + extra + 1;
}
