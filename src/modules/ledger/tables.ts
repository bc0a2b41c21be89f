// Row types of the ledger: accounts, append-only transfers, checkpoints (001, 012), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export interface LedgerAccountsTable {
  id: Generated<number>;
  owner_type: 'platform' | 'member';
  owner_id: number;
  purpose: string;
  allow_negative: boolean;
  created_at: CreatedAt;
}

export interface LedgerTransfersTable {
  id: Generated<number>;
  from_account_id: number;
  to_account_id: number;
  amount_fen: number;
  code: string;
  idempotency_key: string;
  ref_type: string | null;
  ref_id: number | null;
  memo: string | null;
  created_at: CreatedAt;
}

export interface LedgerCheckpointsTable {
  account_id: number;
  horizon: Date;
  balance_fen: number;
  updated_at: Generated<Date>;
}

export interface LedgerTables {
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
  ledger_checkpoints: LedgerCheckpointsTable;
}
