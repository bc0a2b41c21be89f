// Limits that hold across instances: counters in PostgreSQL, or in Redis when REDIS_URL is set.
// A counter is a fixed window per key; `hit` counts one and answers the count so far, atomically,
// so two instances (or two requests) can never both pass the last free slot.
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';

export interface WindowCount {
  hits: number;
  /** when this window ends and the count starts again */
  resetAt: Date;
  /** the hit before this one, if any in this window (for back-off) */
  previousHitAt: Date | null;
}

export interface LimitStore {
  readonly kind: 'postgres' | 'redis';
  /** Counts one hit of `key` in a window of `windowMs` starting at its first hit. */
  hit(key: string, windowMs: number, now: Date): Promise<WindowCount>;
  /** The count in the current window, without counting. */
  peek(key: string, now: Date): Promise<WindowCount | undefined>;
  reset(key: string): Promise<void>;
  /** Forgets counters whose window ended before `before`; answers how many (Redis expires its own: 0). */
  prune(before: Date): Promise<number>;
}

export class PgLimitStore implements LimitStore {
  readonly kind = 'postgres' as const;
  constructor(private readonly db: Db) {}

  async hit(key: string, windowMs: number, now: Date): Promise<WindowCount> {
    // one statement: an expired window starts again at 1, a live one counts up
    const row = await sql<{ hits: number; window_start: Date; window_ms: number; previous_hit_at: Date | null }>`
      with before as (select last_hit_at, window_start, window_ms from limit_counters where key = ${key})
      insert into limit_counters as c (key, window_start, window_ms, hits, last_hit_at)
      values (${key}, ${now}, ${windowMs}, 1, ${now})
      on conflict (key) do update set
        hits = case when c.window_start + c.window_ms * interval '1 millisecond' > ${now} then c.hits + 1 else 1 end,
        window_start = case when c.window_start + c.window_ms * interval '1 millisecond' > ${now} then c.window_start else ${now} end,
        window_ms = case when c.window_start + c.window_ms * interval '1 millisecond' > ${now} then c.window_ms else ${windowMs} end,
        last_hit_at = ${now}
      returning hits, window_start, window_ms,
        (select case when b.window_start + b.window_ms * interval '1 millisecond' > ${now} then b.last_hit_at end from before b) as previous_hit_at`.execute(this.db);
    const r = row.rows[0]!;
    return { hits: r.hits, resetAt: new Date(new Date(r.window_start).getTime() + r.window_ms), previousHitAt: r.previous_hit_at ? new Date(r.previous_hit_at) : null };
  }

  async peek(key: string, now: Date): Promise<WindowCount | undefined> {
    const r = await this.db.selectFrom('limit_counters').selectAll().where('key', '=', key).executeTakeFirst();
    if (!r) return undefined;
    const resetAt = new Date(r.window_start.getTime() + r.window_ms);
    if (resetAt <= now) return undefined;
    return { hits: r.hits, resetAt, previousHitAt: r.last_hit_at };
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('limit_counters').where('key', '=', key).execute();
  }

  async prune(before: Date): Promise<number> {
    // every window is a login, an SMS code, a download ticket …: without this the table only grows
    const done = await sql`delete from limit_counters where window_start + window_ms * interval '1 millisecond' < ${before}`.execute(this.db);
    return Number(done.numAffectedRows ?? 0);
  }
}

// KEYS[1] the counter; ARGV: now ms, window ms. Returns hits, reset at ms, previous hit ms (or -1).
const REDIS_HIT = `
local start = tonumber(redis.call('HGET', KEYS[1], 's') or '-1')
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if start < 0 or start + tonumber(redis.call('HGET', KEYS[1], 'w') or '0') <= now then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 's', now, 'w', window, 'n', 1, 'l', now)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, now + window, -1}
end
local previous = tonumber(redis.call('HGET', KEYS[1], 'l'))
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'l', now)
return {n, start + tonumber(redis.call('HGET', KEYS[1], 'w')), previous}`;

export class RedisLimitStore implements LimitStore {
  readonly kind = 'redis' as const;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'fenxiao:limit:',
  ) {}

  async hit(key: string, windowMs: number, now: Date): Promise<WindowCount> {
    const [hits, resetMs, previousMs] = (await this.redis.eval(REDIS_HIT, 1, this.prefix + key, now.getTime(), windowMs)) as [number, number, number];
    return { hits, resetAt: new Date(resetMs), previousHitAt: previousMs < 0 ? null : new Date(previousMs) };
  }

  async peek(key: string, now: Date): Promise<WindowCount | undefined> {
    const h = await this.redis.hgetall(this.prefix + key);
    if (!h.s) return undefined;
    const resetAt = new Date(Number(h.s) + Number(h.w));
    if (resetAt <= now) return undefined;
    return { hits: Number(h.n), resetAt, previousHitAt: new Date(Number(h.l)) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async prune(): Promise<number> {
    // every key carries its window as a PEXPIRE
    return 0;
  }
}

export class LimitedError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number) {
    super(429, code, message, { retryAfterSeconds });
  }
}

/** One rule of a limit: at most `max` hits of a key per window. */
export interface LimitRule {
  key: string;
  windowMs: number;
  max: number;
  code: string;
  message: string;
}

/**
 * Counts a hit on each rule in order and refuses (429) at the first one past its maximum; the rules
 * after it are not counted, so order them from the asker's own (address) to the shared (a phone).
 */
export async function enforceLimits(store: LimitStore, rules: LimitRule[], now: Date): Promise<void> {
  for (const rule of rules) {
    const count = await store.hit(rule.key, rule.windowMs, now);
    if (count.hits > rule.max) {
      throw new LimitedError(rule.code, rule.message, Math.max(1, Math.ceil((count.resetAt.getTime() - now.getTime()) / 1000)));
    }
  }
}
