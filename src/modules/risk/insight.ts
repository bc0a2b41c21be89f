// What the console shows besides the queue: the dry run (which of the last N days' earnings each rule
// — on or off — would have held, under the settings in force or ones being edited; nothing is held),
// and the identity graph around a hold (its buyer, its earner and every member linked to either, with
// their signals and the values they share).
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { evaluateRules, RISK_KINDS, type RiskReason, type SelfPurchaseOf } from './evaluate.js';
import { isStrong } from './normalise.js';
import { RISK_RULES, type RiskRule, type RiskRulesConfig } from './rules.js';
import type { RiskSignals, SignalRow } from './signals.js';
import type { SignalKind } from './tables.js';

const DAY_MS = 86_400_000;
/** earnings a dry run judges at most (newest first) */
const DRY_RUN_MAX = 20_000;
const PAGE = 2_000;
/** earnings listed per rule (all are counted) */
const LISTED = 50;
/** members a graph shows besides the buyer and the earner */
const GRAPH_LINKED = 18;

const RULE_KEYS: Record<RiskRule, keyof RiskRulesConfig> = {
  linked_buyer: 'linkedBuyer',
  shared_signal: 'sharedSignal',
  refund_rate: 'refundRate',
  refund_burst: 'refundBurst',
  daily_commission: 'dailyCommission',
};

/** The risk-kind earnings since `since`, newest first, at most DRY_RUN_MAX: keyset pages by id (earnings are written in time order). */
async function recentEarnings(ex: Executor, since: Date): Promise<{ ids: number[]; truncated: boolean }> {
  const ids: number[] = [];
  let before: number | null = null;
  for (;;) {
    let q = ex.selectFrom('commission_earnings').select(['id', 'created_at']).where('kind', 'in', [...RISK_KINDS]).orderBy('id', 'desc').limit(PAGE);
    if (before !== null) q = q.where('id', '<', before);
    const page = await q.execute();
    for (const row of page) {
      if (row.created_at < since) return { ids, truncated: false };
      ids.push(row.id);
      if (ids.length >= DRY_RUN_MAX) return { ids, truncated: true };
    }
    if (page.length < PAGE) return { ids, truncated: false };
    before = page.at(-1)!.id;
  }
}

export async function dryRun(ex: Executor, input: { config: RiskRulesConfig; days: number; now: Date; selfPurchaseOf: SelfPurchaseOf }) {
  const since = new Date(input.now.getTime() - input.days * DAY_MS);
  const { ids, truncated } = await recentEarnings(ex, since);
  const reasons = new Map<number, RiskReason[]>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const hits = await evaluateRules(ex, ids.slice(i, i + PAGE), input.config, input.selfPurchaseOf, { all: true, linkedNow: true });
    for (const [id, list] of hits) reasons.set(id, list);
  }
  const byRule = new Map<RiskRule, Array<{ earningId: number; reason: RiskReason }>>(RISK_RULES.map((r) => [r, []]));
  for (const [earningId, list] of reasons) for (const reason of list) byRule.get(reason.rule)!.push({ earningId, reason });
  const shown = [...new Set([...byRule.values()].flatMap((list) => list.sort((a, b) => b.earningId - a.earningId).slice(0, LISTED).map((h) => h.earningId)))];
  const details = await earningDetails(ex, shown);
  const amounts = await remainingOf(ex, [...reasons.keys()]);
  return {
    since,
    days: input.days,
    examined: ids.length,
    truncated,
    rules: RISK_RULES.map((rule) => {
      const list = byRule.get(rule)!;
      return {
        rule,
        enabled: input.config[RULE_KEYS[rule]].enabled,
        count: list.length,
        amountFen: list.reduce((sum, h) => sum + (amounts.get(h.earningId) ?? 0), 0),
        items: list.slice(0, LISTED).map((h) => ({ ...details.get(h.earningId)!, reason: h.reason })),
      };
    }),
  };
}

async function remainingOf(ex: Executor, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; fen: number }>`select id, amount_fen as fen from commission_earnings where id = any(${ids}::bigint[])`.execute(ex);
  return new Map(rows.rows.map((r) => [r.id, r.fen]));
}

async function earningDetails(ex: Executor, ids: number[]) {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .selectFrom('commission_earnings as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .innerJoin('members as r', 'r.id', 'e.earner_id')
    .innerJoin('members as b', 'b.id', 'e.buyer_id')
    .select(['e.id as earningId', 'o.order_no as orderNo', 'e.earner_id as earnerId', 'r.nickname as earnerNickname', 'e.buyer_id as buyerId', 'b.nickname as buyerNickname', 'e.kind', 'e.level', 'e.amount_fen as amountFen', 'e.state', 'e.risk_hold as held', 'e.created_at as createdAt'])
    .where('e.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.earningId, r]));
}

export interface GraphMember {
  id: number;
  nickname: string;
  phone: string | null;
  role: 'buyer' | 'earner' | 'linked';
  signals: Array<Omit<SignalRow, 'memberId' | 'valueHash'> & { strong: boolean; shared: boolean }>;
}

/** The members around a buyer and an earner, and what each pair shares. */
export async function identityGraph(ex: Executor, signals: RiskSignals, buyerId: number, earnerId: number) {
  const seeds = [...new Set([buyerId, earnerId])];
  const linked = await signals.linkedToAny(ex, seeds, GRAPH_LINKED);
  const ids = [...seeds, ...linked];
  const [rows, people] = await Promise.all([signals.signalsOf(ex, ids), ex.selectFrom('members').select(['id', 'nickname', 'phone']).where('id', 'in', ids).execute()]);
  const holders = new Map<string, Set<number>>();
  for (const s of rows) {
    const key = `${s.kind}|${s.valueHash}`;
    holders.set(key, (holders.get(key) ?? new Set()).add(s.memberId));
  }
  const pairs = new Map<string, { a: number; b: number; kinds: Set<SignalKind> }>();
  for (const [key, members] of holders) {
    const list = [...members].sort((x, y) => x - y);
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const pair = `${list[i]}-${list[j]}`;
        const edge = pairs.get(pair) ?? { a: list[i]!, b: list[j]!, kinds: new Set<SignalKind>() };
        edge.kinds.add(key.split('|')[0] as SignalKind);
        pairs.set(pair, edge);
      }
  }
  const members: GraphMember[] = ids.map((id) => {
    const person = people.find((p) => p.id === id);
    return {
      id,
      nickname: person?.nickname ?? '',
      phone: person?.phone ?? null,
      role: id === buyerId ? 'buyer' : id === earnerId ? 'earner' : 'linked',
      signals: rows
        .filter((s) => s.memberId === id)
        .map((s) => ({ kind: s.kind, label: s.label, firstSeenAt: s.firstSeenAt, lastSeenAt: s.lastSeenAt, strong: isStrong(s.kind), shared: (holders.get(`${s.kind}|${s.valueHash}`)?.size ?? 0) > 1 })),
    };
  });
  const links = [...pairs.values()].map((e) => ({ a: e.a, b: e.b, kinds: [...e.kinds].sort(), strong: [...e.kinds].some(isStrong) }));
  return { members, links };
}
