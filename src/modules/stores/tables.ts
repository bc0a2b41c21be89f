// Row types of the store tables added by migrations/016_channels.sql (region protection).
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';
import type { Database } from '../../db/schema.js';
import type { Executor } from '../../db/database.js';

export type StoreBindingSource = 'pickup' | 'scan' | 'hq';

export interface StoreCustomersTable {
  member_id: number;
  store_id: number;
  source: StoreBindingSource;
  bound_at: Date;
}

export interface StoreCustomerHistoryTable {
  id: Generated<number>;
  member_id: number;
  old_store_id: number | null;
  new_store_id: number;
  source: StoreBindingSource;
  reason: string | null;
  actor_id: number | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface StoreOrderCreditsTable {
  order_id: number;
  store_id: number;
  pickup_store_id: number | null;
  buyer_id: number;
  paid_at: Date;
}

export interface StoresTable {
  id: Generated<number>;
  name: string;
  region_code: string;
  address: string;
  latitude: number;
  longitude: number;
  opening_hours: Generated<string>;
  phone: string | null;
  status: Generated<'open' | 'closed'>;
  created_at: CreatedAt;
}

export interface StoreStaffTable {
  store_id: number;
  member_id: number;
  role: Generated<'manager' | 'clerk'>;
  created_at: CreatedAt;
}

export type StoresTables = {
  stores: StoresTable;
  store_staff: StoreStaffTable;
  store_customers: StoreCustomersTable;
  store_customer_history: StoreCustomerHistoryTable;
  store_order_credits: StoreOrderCreditsTable;
};

export type StoresDb = Kysely<Database & StoresTables>;
export type StoresTx = Transaction<Database & StoresTables>;

/** The same handle, typed with this module's tables (a no-op once they are merged into Database). */
export function withStoreTables(ex: Executor): StoresDb {
  return ex.withTables<StoresTables>() as unknown as StoresDb;
}
export function withStoreTablesTx(tx: Transaction<Database>): StoresTx {
  return tx.withTables<StoresTables>();
}
