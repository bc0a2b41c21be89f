// The ledger: balanced, append-only transfers between accounts. Balances are sums of
// transfers; credits never lock, so a hot earner does not serialise checkouts. Debits from
// spendable accounts lock the account row first and a database trigger refuses overdrafts.
// Debit locks are FOR NO KEY UPDATE: they order debits among themselves. A transfer takes no lock on
// its accounts at all (no foreign keys: the statement trigger checks they exist, and accounts are
// permanent, 023), so a credit (or the unfreeze sweep's insert) never waits behind a debit.
import { sql } from 'kysely';
import { inTransaction, LOCK_KEYS, type Executor, type Tx } from '../../db/database.js';
import { conflict } from '../../errors.js';

export const MEMBER_PURPOSES = [
  'commission_pending',
  'commission_frozen',
  'commission_available',
  'payout_withdrawing',
  'commission_debt',
] as const;
export type MemberPurpose = (typeof MEMBER_PURPOSES)[number];
export type PlatformPurpose = 'commission_expense' | 'payout_clearing' | 'payout_fee_income';
export type MemberAccounts = Record<MemberPurpose, number>;

export interface TransferInput {
  fromAccountId: number;
  toAccountId: number;
  amountFen: number;
  code: string;
  idempotencyKey: string;
  refType?: string;
  refId?: number;
  memo?: string;
}

export interface MemberBalances {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  /** what the member owes after a refund reversed commission already withdrawn (≥ 0) */
  debtFen: number;
}

export class LedgerService {
  private readonly platformIds = new Map<PlatformPurpose, number>();

  /** Platform accounts come from the migration, so their ids are safe to remember. */
  async platformAccount(ex: Executor, purpose: PlatformPurpose): Promise<number> {
    const cached = this.platformIds.get(purpose);
    if (cached !== undefined) return cached;
    const row = await ex
      .selectFrom('ledger_accounts')
      .select('id')
      .where('owner_type', '=', 'platform')
      .where('owner_id', '=', 0)
      .where('purpose', '=', purpose)
      .executeTakeFirstOrThrow();
    this.platformIds.set(purpose, row.id);
    return row.id;
  }

  async openMemberAccounts(tx: Tx, memberId: number): Promise<void> {
    await tx
      .insertInto('ledger_accounts')
      .values(
        MEMBER_PURPOSES.map((purpose) => ({
          owner_type: 'member' as const,
          owner_id: memberId,
          purpose,
          allow_negative: purpose === 'commission_debt',
        })),
      )
      .onConflict((oc) => oc.columns(['owner_type', 'owner_id', 'purpose']).doNothing())
      .execute();
  }

  async memberAccounts(ex: Executor, memberId: number, lock = false): Promise<MemberAccounts> {
    let query = ex
      .selectFrom('ledger_accounts')
      .select(['id', 'purpose'])
      .where('owner_type', '=', 'member')
      .where('owner_id', '=', memberId)
      .orderBy('id');
    if (lock) query = query.forNoKeyUpdate();
    const rows = await query.execute();
    const accounts = Object.fromEntries(rows.map((r) => [r.purpose, r.id])) as Partial<MemberAccounts>;
    for (const purpose of MEMBER_PURPOSES) {
      if (accounts[purpose] === undefined) throw new Error(`member ${memberId} has no ${purpose} account`);
    }
    return accounts as MemberAccounts;
  }

  /** Locks a member's accounts for debits; callers that debit must hold this until commit. */
  lockMemberAccounts(tx: Tx, memberId: number): Promise<MemberAccounts> {
    return this.memberAccounts(tx, memberId, true);
  }

  /** Locks the accounts of several members at once, in account-id order so concurrent sweeps cannot deadlock. */
  lockAccountsOfMembers(tx: Tx, memberIds: number[]): Promise<Map<number, MemberAccounts>> {
    return this.accountsOfMembers(tx, memberIds, true);
  }

  /** The accounts of several members in one query; credits need no lock, debits pass lock = true. */
  async accountsOfMembers(ex: Executor, memberIds: number[], lock = false): Promise<Map<number, MemberAccounts>> {
    let query = ex
      .selectFrom('ledger_accounts')
      .select(['id', 'owner_id', 'purpose'])
      .where('owner_type', '=', 'member')
      .where('owner_id', '=', sql<number>`any(${memberIds}::bigint[])`)
      .orderBy('id');
    if (lock) query = query.forNoKeyUpdate();
    const rows = await query.execute();
    const byMember = new Map<number, Partial<MemberAccounts>>();
    for (const row of rows) {
      const accounts = byMember.get(row.owner_id) ?? {};
      accounts[row.purpose as MemberPurpose] = row.id;
      byMember.set(row.owner_id, accounts);
    }
    for (const id of memberIds) {
      const accounts = byMember.get(id);
      if (!accounts || MEMBER_PURPOSES.some((p) => accounts[p] === undefined)) throw new Error(`member ${id} lacks ledger accounts`);
    }
    return byMember as Map<number, MemberAccounts>;
  }

  /** Appends many transfers in one statement; keys already used are skipped. Returns how many were new. */
  async transferMany(tx: Tx, inputs: TransferInput[]): Promise<number> {
    if (inputs.length === 0) return 0;
    for (const input of inputs) {
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RangeError(`transfer amount must be a positive integer of fen, got ${input.amountFen}`);
    }
    // one array per column: the statement text and its 8 parameters stay the same however many
    // rows (a VALUES list of 2 000 rows was 16 000 parameters to bind and a new text to parse)
    try {
      const inserted = await sql<{ id: number }>`
        insert into ledger_transfers (from_account_id, to_account_id, amount_fen, code, idempotency_key, ref_type, ref_id, memo)
        select * from unnest(${inputs.map((t) => t.fromAccountId)}::bigint[], ${inputs.map((t) => t.toAccountId)}::bigint[],
                             ${inputs.map((t) => t.amountFen)}::bigint[], ${inputs.map((t) => t.code)}::text[],
                             ${inputs.map((t) => t.idempotencyKey)}::text[], ${inputs.map((t) => t.refType ?? null)}::text[],
                             ${inputs.map((t) => t.refId ?? null)}::bigint[], ${inputs.map((t) => t.memo ?? null)}::text[])
        on conflict (idempotency_key) do nothing
        returning id`.execute(tx);
      return inserted.rows.length;
    } catch (error) {
      if ((error as { code?: string }).code === 'P0002') throw conflict('INSUFFICIENT_BALANCE', 'the account balance is not enough for this transfer');
      throw error;
    }
  }

  /** Appends one transfer; returns false (and changes nothing) when its idempotency key was used. */
  async transfer(tx: Tx, input: TransferInput): Promise<boolean> {
    return (await this.transferMany(tx, [input])) === 1;
  }

  async balances(ex: Executor, accountIds: number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>(accountIds.map((id) => [id, 0]));
    if (accountIds.length === 0) return result;
    const rows = await sql<{ account_id: number; balance: number }>`
      select id as account_id, ledger_balance(id) as balance from unnest(${accountIds}::bigint[]) as a(id)`.execute(ex);
    for (const row of rows.rows) result.set(row.account_id, row.balance);
    return result;
  }

  /**
   * What each of these accounts owes (minus its balance, where negative); accounts that owe nothing
   * are left out. Only an account that was ever debited can be below zero, so only those are summed:
   * one index probe decides for the rest (most debt accounts never move).
   */
  async owedBy(ex: Executor, accountIds: number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    if (accountIds.length === 0) return result;
    const rows = await sql<{ id: number; balance: number }>`
      select a.id, ledger_balance(a.id) as balance from unnest(${accountIds}::bigint[]) as a(id)
      where exists (select 1 from ledger_transfers t where t.from_account_id = a.id)`.execute(ex);
    for (const row of rows.rows) if (row.balance < 0) result.set(row.id, -row.balance);
    return result;
  }

  async balance(ex: Executor, accountId: number): Promise<number> {
    return (await this.balances(ex, [accountId])).get(accountId) ?? 0;
  }

  /**
   * Folds transfers into checkpoints up to a horizon older than every running transaction (and at
   * least minAgeMs old), so later balance reads sum only what came after. Safe to run anywhere, any time.
   */
  async foldCheckpoints(db: Executor, minAgeMs = 60_000): Promise<{ accounts: number; horizon: Date }> {
    return inTransaction(db, async (tx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_KEYS.ledgerFold})`.execute(tx);
      const h = await sql<{ horizon: Date; since: Date }>`
        select least(now() - make_interval(secs => ${minAgeMs / 1000}),
                     coalesce((select min(xact_start) from pg_stat_activity where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()), now())) as horizon,
               (select last_horizon from ledger_fold_state where id = 1) as since`.execute(tx);
      const { horizon, since } = h.rows[0];
      if (since.getTime() >= horizon.getTime()) return { accounts: 0, horizon: since };
      const folded = await sql`
        with touched as (
          select to_account_id as id from ledger_transfers where created_at >= ${since} and created_at < ${horizon}
          union
          select from_account_id from ledger_transfers where created_at >= ${since} and created_at < ${horizon})
        insert into ledger_checkpoints (account_id, horizon, balance_fen, updated_at)
        select t.id, ${horizon},
               coalesce(cp.balance_fen, 0)
               + coalesce((select sum(amount_fen) from ledger_transfers x where x.to_account_id = t.id
                             and x.created_at >= coalesce(cp.horizon, '-infinity') and x.created_at < ${horizon}), 0)
               - coalesce((select sum(amount_fen) from ledger_transfers x where x.from_account_id = t.id
                             and x.created_at >= coalesce(cp.horizon, '-infinity') and x.created_at < ${horizon}), 0),
               now()
        from touched t left join ledger_checkpoints cp on cp.account_id = t.id
        on conflict (account_id) do update set horizon = excluded.horizon, balance_fen = excluded.balance_fen, updated_at = excluded.updated_at`.execute(tx);
      await sql`update ledger_fold_state set last_horizon = ${horizon} where id = 1`.execute(tx);
      return { accounts: Number(folded.numAffectedRows ?? 0), horizon };
    });
  }

  async memberBalances(ex: Executor, memberId: number): Promise<MemberBalances> {
    const accounts = await this.memberAccounts(ex, memberId);
    const b = await this.balances(ex, Object.values(accounts));
    return {
      pendingFen: b.get(accounts.commission_pending) ?? 0,
      frozenFen: b.get(accounts.commission_frozen) ?? 0,
      availableFen: b.get(accounts.commission_available) ?? 0,
      withdrawingFen: b.get(accounts.payout_withdrawing) ?? 0,
      debtFen: -(b.get(accounts.commission_debt) ?? 0),
    };
  }
}
