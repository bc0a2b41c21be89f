// Tier differentials (级差) for regional agents: each agent earns its own rate minus the rate of
// the nearest agent below it in the chain for the order's region.
import { applyRateBp } from '../../money.js';
import type { CommissionLine, PlannedEarning } from '../commission/index.js';

export interface ChainAgent {
  memberId: number;
  rateBp: number;
}

/** Lowest region first (district, then city, then province). */
export function regionalDifferentials(chain: ChainAgent[]): Array<{ memberId: number; level: number; differentialBp: number }> {
  let below = 0;
  return chain.map((agent, index) => {
    // a parent's rate is never below its child's (enforced on save); clamp anyway so no award is negative
    const differentialBp = Math.max(agent.rateBp - below, 0);
    below = Math.max(below, agent.rateBp);
    return { memberId: agent.memberId, level: index + 1, differentialBp };
  });
}

export function planRegionalAwards(lines: CommissionLine[], chain: ChainAgent[]): PlannedEarning[] {
  const shares = regionalDifferentials(chain);
  const earnings: PlannedEarning[] = [];
  for (const line of lines) {
    for (const share of shares) {
      const amountFen = applyRateBp(line.paidFen, share.differentialBp);
      if (amountFen > 0) earnings.push({ lineId: line.lineId, earnerId: share.memberId, level: share.level, baseFen: line.paidFen, rateBp: share.differentialBp, amountFen });
    }
  }
  return earnings;
}

export type RegionLevel = 'province' | 'city' | 'district';

/** The level a division code names: XX0000 a province, XXXX00 a city, anything else a district. */
export function levelOfRegion(code: string): RegionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'district';
}

/** The codes covering a district code, lowest first: district, city, province. */
export function coveringRegions(code: string): string[] {
  const province = `${code.slice(0, 2)}0000`;
  const city = `${code.slice(0, 4)}00`;
  return [...new Set([code, city, province])];
}

export function contains(parentCode: string, childCode: string): boolean {
  const level = levelOfRegion(parentCode);
  if (level === 'province') return childCode.slice(0, 2) === parentCode.slice(0, 2) && childCode !== parentCode;
  if (level === 'city') return childCode.slice(0, 4) === parentCode.slice(0, 4) && childCode !== parentCode;
  return false;
}
