// How many of the console's exports run at once (admin-exports.ts): at most EXPORTS_PER_MEMBER of
// one member's, on all instances together, and at most EXPORTS_PER_INSTANCE on this instance. An
// export takes its slots before it reads a row and is refused (429 EXPORT_BUSY) when there is none;
// it frees them when its file has ended, when the client leaves, or when it fails.
//
// A member's slots are leases in the shared limit store (PostgreSQL, or Redis with REDIS_URL), so
// every instance sees them: slot n is taken by the hit that counts 1 in its window, renewed while the
// export runs, and given back by resetting it. An instance that dies mid-export leaves its lease to
// lapse within SLOT_LEASE_MS. The instance's own count is in memory.
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../errors.js';
import type { LimitStore } from '../../modules/identity/index.js';

export const EXPORTS_PER_MEMBER = 2;
export const EXPORTS_PER_INSTANCE = 4;
/** how long a member's slot outlives an instance that stopped renewing it */
const SLOT_LEASE_MS = 60_000;

export interface SlotLimits {
  perMember: number;
  perInstance: number;
  leaseMs: number;
}

/** gives the slots back; calling it again does nothing */
export type FreeSlots = () => void;

export function exportSlots(limits: LimitStore, log: FastifyBaseLogger, options: Partial<SlotLimits> = {}) {
  const { perMember, perInstance, leaseMs } = { perMember: EXPORTS_PER_MEMBER, perInstance: EXPORTS_PER_INSTANCE, leaseMs: SLOT_LEASE_MS, ...options };
  let running = 0;
  const key = (memberId: number, n: number) => `export-running:${memberId}:${n}`;
  const busy = (scope: 'member' | 'instance') =>
    new AppError(
      429,
      'EXPORT_BUSY',
      scope === 'member' ? `at most ${perMember} of your exports run at once: wait for one to finish` : `this server is running ${perInstance} exports already: try again in a moment`,
      { scope },
    );

  /** Refuses (EXPORT_BUSY) when an export of this member would be refused now; takes nothing (a ticket asks first). */
  async function check(memberId: number): Promise<void> {
    if (running >= perInstance) throw busy('instance');
    const now = new Date();
    for (let n = 0; n < perMember; n++) if (!(await limits.peek(key(memberId, n), now))) return;
    throw busy('member');
  }

  /** One of the member's slots, or none free (-1). */
  async function lease(memberId: number): Promise<number> {
    for (let n = 0; n < perMember; n++) {
      // a held slot counts on (2, 3 …) and stays held; a lapsed one starts again at 1
      if ((await limits.hit(key(memberId, n), leaseMs, new Date())).hits === 1) return n;
    }
    return -1;
  }

  /** Takes a slot of the instance and one of the member's, or refuses (EXPORT_BUSY) holding neither. */
  async function take(memberId: number): Promise<FreeSlots> {
    if (running >= perInstance) throw busy('instance');
    running += 1;
    let slot: number;
    try {
      slot = await lease(memberId);
    } catch (error) {
      running -= 1;
      throw error;
    }
    if (slot < 0) {
      running -= 1;
      throw busy('member');
    }
    const held = key(memberId, slot);
    let freed = false;
    // the store has no "extend": a lease starts again (reset, hit); one freed meanwhile is not left behind
    const renewLease = async () => {
      await limits.reset(held);
      if (!freed) await limits.hit(held, leaseMs, new Date());
      if (freed) await limits.reset(held);
    };
    const renew = setInterval(() => {
      renewLease().catch((err: unknown) => log.warn({ err }, 'export: renewing the slot lease failed'));
    }, Math.max(1_000, Math.floor(leaseMs / 3)));
    renew.unref();
    return () => {
      if (freed) return;
      freed = true;
      clearInterval(renew);
      running -= 1;
      limits.reset(held).catch((err: unknown) => log.warn({ err }, 'export: giving the slot back failed; it lapses on its own'));
    };
  }

  return { check, take, running: () => running };
}

export type ExportSlots = ReturnType<typeof exportSlots>;
