// The column migrations/026_idempotency_fingerprints.sql adds to orders, typed for Kysely here so the
// shared schema need not change (a no-op once merged into OrdersTable).
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Fingerprint } from './request-fingerprint.js';

export type CheckoutFingerprintTables = {
  orders: { checkout_fingerprint: ColumnType<Fingerprint | null, string | null | undefined, string | null> };
};

export type FingerprintDb = Kysely<Database & CheckoutFingerprintTables>;
export type FingerprintTx = Transaction<Database & CheckoutFingerprintTables>;

export function withCheckoutFingerprint(ex: Executor): FingerprintDb {
  return ex.withTables<CheckoutFingerprintTables>() as unknown as FingerprintDb;
}
export function withCheckoutFingerprintTx(tx: Transaction<Database>): FingerprintTx {
  return tx.withTables<CheckoutFingerprintTables>();
}
