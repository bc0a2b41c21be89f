// Shared by the reliability suite (test/reliability), `npm run soak` and the benchmark: no vitest
// imports here, so plain tsx scripts can use it too.
import { testConfig } from './test-config.js';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger, startApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { ManualClock } from '../../src/context.js';
import { inTransaction, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { MembersService } from '../../src/modules/members/service.js';
import { DevPayoutProvider } from '../../src/modules/payouts/providers.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import type { TestApp } from './harness.js';
import { createMigratedDatabase, openMigratedPglite } from './db-templates.js';

// --- the dev payment provider's signature ---------------------------------------------

/** The dev provider's HMAC key, derived from the server secret exactly as src/services.ts does. */
export function devPaymentSecret(jwtSecret: string): string {
  return createHash('sha256').update(`dev-payments:${jwtSecret}`).digest('hex');
}

export function signDev(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The body DevPaymentProvider / simulate send for a payment (same key order, so the same bytes). */
export function devPaymentBody(outTradeNo: string, amountFen: number, eventId = `pay-${outTradeNo}`): string {
  return JSON.stringify({ eventId, kind: 'payment', outTradeNo, amountFen });
}

/** The body DevPaymentProvider.requestRefund sends (same key order). */
export function devRefundBody(outTradeNo: string, refundNo: string, amountFen: number, status: 'SUCCESS' | 'FAIL' = 'SUCCESS', eventId = `refund-${refundNo}`): string {
  return JSON.stringify({ eventId, kind: 'refund', outTradeNo, refundNo, amountFen, status });
}

// --- databases ------------------------------------------------------------------------

/**
 * Creates a database with a random name on the server of adminUrl; returns its URL and a dropper.
 * Empty, or (migrated) with every migration applied: a copy of test/support/db-templates.ts's template.
 */
export async function createScratchDatabase(adminUrl: string, prefix = 'fenxiao_rel', options: { migrated?: boolean } = {}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  if (options.migrated) await createMigratedDatabase(adminUrl, name);
  else {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The same in-process app as test/support/harness.ts startTestApp, without vitest: for scripts.
 * kind 'postgres' needs adminUrl (a fresh database is created and dropped on close).
 */
export async function startScriptApp(kind: 'pglite' | 'postgres', options: { adminUrl?: string; rules?: RuleConfigInput; poolSize?: number; config?: Partial<AppConfig> } = {}): Promise<TestApp> {
  let database: DatabaseHandle;
  let drop: (() => Promise<void>) | undefined;
  // migrated from the template; startApp finds every migration applied
  if (kind === 'pglite') {
    database = await openMigratedPglite();
  } else {
    if (!options.adminUrl) throw new Error('postgres needs an admin URL');
    const scratch = await createScratchDatabase(options.adminUrl, undefined, { migrated: true });
    database = await openDatabase({ databaseUrl: scratch.url, poolSize: options.poolSize });
    drop = scratch.drop;
  }
  const clock = new ManualClock(new Date('2026-11-20T04:00:00Z'));
  const payoutProvider = new DevPayoutProvider();
  const config = testConfig(options.config);
  const app = await startApp({ config, clock, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), database, payoutProvider, initialRules: options.rules ?? {} });
  return {
    ...app,
    clock,
    payoutProvider,
    kind,
    async close() {
      await app.close();
      await database.close();
      if (drop) await drop();
    },
  };
}

// --- members without the SMS round trip -------------------------------------------------

let cachedHash: Promise<string> | undefined;
let phoneSeq = 0;

/** A unique, valid-looking mainland mobile number for this process. */
export function uniquePhone(): string {
  phoneSeq += 1;
  const base = (process.pid % 1000) * 100_000 + (Date.now() % 100_000);
  return `15${String((base + phoneSeq * 7919) % 1_000_000_000).padStart(9, '0')}`;
}

export interface FastMember {
  id: number;
  token: string;
  inviteCode: string;
  phone: string;
}

/**
 * Creates a member through MembersService.createMember (ledger accounts, place in the tree, binding
 * per the rules) without SMS and with a shared password hash, and mints a token for it.
 */
export async function fastMember(app: TestApp, options: { inviteCode?: string; nickname?: string; hqRole?: 'owner' | 'operator' | 'finance' | 'support' | 'auditor' } = {}): Promise<FastMember> {
  cachedHash ??= MembersService.hashPassword('secret-pass-1');
  const passwordHash = await cachedHash;
  const phone = uniquePhone();
  const profile = await inTransaction(app.services.db, (tx) =>
    app.services.members.createMember(tx, { phone, passwordHash, nickname: options.nickname ?? `m${phone.slice(-5)}`, inviteCode: options.inviteCode, hqRole: options.hqRole }),
  );
  const { token } = await app.services.identity.sessions.start(app.services.db, profile.id, null);
  return { id: profile.id, token, inviteCode: profile.inviteCode, phone };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
