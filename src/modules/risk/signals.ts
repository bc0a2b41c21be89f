// The identity graph's signals: written here only (risk_signals, one row per member, kind and value),
// from the shop's requests (its device id and the request's network, throttled), from checkouts (the
// shipping address with its consignee phone, the phones, the buyer's WeChat unionid), and by the
// sweep from new withdrawals (the payout account) and new WeChat identities. Two members sharing a
// strong value are linked (one person with two phones); weak ones only count toward rules.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Db, Executor } from '../../db/database.js';
import type { LimitStore } from '../identity/index.js';
import { addressSignal, deviceSignal, ipSignal, phoneSignal, STRONG_KINDS, unionidSignal, type AddressParts, type Signal } from './normalise.js';
import type { SignalKind } from './tables.js';

/** a member's device and network are written at most this often per instance (the row's last_seen_at moves no faster either) */
const OBSERVE_EVERY_MS = 15 * 60_000;
/** writes of observed signals per member per hour, across instances (a client making up device ids stops here) */
const OBSERVE_WRITES_PER_HOUR = 20;
const REMEMBERED = 50_000;

export type MemberSignal = Signal & { memberId: number };

/** The unionids a member signed in with, as the identity module answers (its face). */
export interface UnionidSource {
  unionidsOf(ex: Executor, memberIds: number[]): Promise<Array<{ memberId: number; unionid: string }>>;
}

export interface SignalRow {
  memberId: number;
  kind: SignalKind;
  valueHash: string;
  label: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export class RiskSignals {
  /** member|device|network → when this instance last wrote it (wall time) */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: LimitStore,
    private readonly unionids: UnionidSource,
  ) {}

  /**
   * Upserts the signals, one statement, in key order (two writers of overlapping rows take their
   * locks in the same order). A row seen again only moves its last_seen_at, and at most every 15 minutes.
   */
  async record(ex: Executor, signals: MemberSignal[]): Promise<void> {
    const unique = new Map(signals.map((s) => [`${s.memberId}|${s.kind}|${s.valueHash}`, s]));
    if (unique.size === 0) return;
    const rows = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
    const now = this.clock.now();
    await ex
      .insertInto('risk_signals')
      .values(rows.map((s) => ({ member_id: s.memberId, kind: s.kind, value_hash: s.valueHash, label: s.label, first_seen_at: now, last_seen_at: now })))
      .onConflict((oc) =>
        oc
          .columns(['member_id', 'kind', 'value_hash'])
          .doUpdateSet({ last_seen_at: now })
          .where('risk_signals.last_seen_at', '<', new Date(now.getTime() - OBSERVE_EVERY_MS)),
      )
      .execute();
  }

  /**
   * A signed-in shop request: its device id (x-device-id) and the network it came from. Written at
   * most every 15 minutes per member, device and network on this instance, and 20 times an hour per
   * member across instances; answers whether it wrote.
   */
  async observe(memberId: number, deviceId: string, ip: string): Promise<boolean> {
    const device = deviceSignal(deviceId);
    if (!device) return false;
    const network = ipSignal(ip);
    const key = `${memberId}|${device.valueHash}|${network?.valueHash ?? ''}`;
    const wall = Date.now();
    if ((this.recent.get(key) ?? 0) > wall - OBSERVE_EVERY_MS) return false;
    if (this.recent.size >= REMEMBERED) this.recent.clear();
    this.recent.set(key, wall);
    const count = await this.limits.hit(`risk:observe:${memberId}`, 3_600_000, new Date(wall));
    if (count.hits > OBSERVE_WRITES_PER_HOUR) return false;
    await this.record(this.db, [{ memberId, ...device }, ...(network ? [{ memberId, ...network }] : [])]);
    return true;
  }

  /** A checkout, in its transaction: where it ships (address + consignee phone), the phones, the buyer's unionids. */
  async recordCheckout(ex: Executor, buyerId: number, address: AddressParts | undefined): Promise<void> {
    const [buyer, unionids] = await Promise.all([
      ex.selectFrom('members').select('phone').where('id', '=', buyerId).executeTakeFirst(),
      this.unionids.unionidsOf(ex, [buyerId]),
    ]);
    const found: Array<Signal | null> = [
      address ? addressSignal(address) : null,
      address ? phoneSignal(address.phone) : null,
      buyer?.phone ? phoneSignal(buyer.phone) : null,
      ...unionids.map((u) => unionidSignal(u.unionid)),
    ];
    await this.record(ex, found.filter((s): s is Signal => s !== null).map((s) => ({ memberId: buyerId, ...s })));
  }

  /** Members sharing a strong signal with this one (never the member itself). */
  async linkedTo(ex: Executor, memberId: number): Promise<ReadonlySet<number>> {
    const rows = await sql<{ member_id: number }>`
      select distinct b.member_id
      from risk_signals a
      join risk_signals b on b.kind = a.kind and b.value_hash = a.value_hash and b.member_id <> a.member_id
      where a.member_id = ${memberId} and a.kind = any(${STRONG_KINDS}::text[])`.execute(ex);
    return new Set(rows.rows.map((r) => r.member_id));
  }

  /** Every signal of these members. */
  async signalsOf(ex: Executor, memberIds: number[]): Promise<SignalRow[]> {
    if (memberIds.length === 0) return [];
    return ex
      .selectFrom('risk_signals')
      .select(['member_id as memberId', 'kind', 'value_hash as valueHash', 'label', 'first_seen_at as firstSeenAt', 'last_seen_at as lastSeenAt'])
      .where('member_id', 'in', memberIds)
      .orderBy('member_id')
      .orderBy('kind')
      .orderBy('first_seen_at')
      .execute();
  }

  /** Members sharing a strong signal with any of these (themselves excluded), at most `limit`. */
  async linkedToAny(ex: Executor, memberIds: number[], limit: number): Promise<number[]> {
    if (memberIds.length === 0) return [];
    const rows = await sql<{ member_id: number }>`
      select distinct b.member_id
      from risk_signals a
      join risk_signals b on b.kind = a.kind and b.value_hash = a.value_hash
      where a.member_id = any(${memberIds}::bigint[]) and a.kind = any(${STRONG_KINDS}::text[]) and not (b.member_id = any(${memberIds}::bigint[]))
      order by b.member_id
      limit ${limit}`.execute(ex);
    return rows.rows.map((r) => r.member_id);
  }
}
