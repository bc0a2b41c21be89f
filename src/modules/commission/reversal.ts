// Taking an earning's money back: from wherever it sits (pending, frozen, or — once available and
// perhaps withdrawn — available and then debt). A refund's reversal (service.ts) and a risk void
// (holds.ts) are the same moves under different idempotency keys; the caller holds the earner's
// account locks.
import type { Tx } from '../../db/database.js';
import type { LedgerService, MemberAccounts } from '../ledger/index.js';
import type { EarningState } from './tables.js';

export interface TransferBase {
  code: string;
  refType: string;
  refId: number;
  memo?: string;
}

/**
 * Takes a reversal from wherever the earning's money sits. Once available it may have been
 * withdrawn: what available cannot cover becomes debt, repaid by later earnings.
 */
export async function debitForReversal(ledger: LedgerService, tx: Tx, state: EarningState, accounts: MemberAccounts, amountFen: number, expense: number, key: string, earningId: number): Promise<void> {
  const base = { toAccountId: expense, code: 'commission.reverse', refType: 'commission_earning', refId: earningId };
  if (state === 'pending' || state === 'frozen') {
    const from = state === 'pending' ? accounts.commission_pending : accounts.commission_frozen;
    await ledger.transfer(tx, { ...base, fromAccountId: from, amountFen, idempotencyKey: key });
    return;
  }
  await takeFromAvailableThenDebt(ledger, tx, accounts, amountFen, expense, key, base);
}

/** Moves amountFen to `to`: what the member's available balance holds from it, the rest from debt (which then owes it). */
export async function takeFromAvailableThenDebt(ledger: LedgerService, tx: Tx, accounts: MemberAccounts, amountFen: number, to: number, key: string, base: TransferBase): Promise<{ fromAvailableFen: number; fromDebtFen: number }> {
  const available = await ledger.balance(tx, accounts.commission_available);
  const fromAvailable = Math.min(Math.max(available, 0), amountFen);
  if (fromAvailable > 0) {
    await ledger.transfer(tx, { ...base, fromAccountId: accounts.commission_available, toAccountId: to, amountFen: fromAvailable, idempotencyKey: key });
  }
  if (amountFen - fromAvailable > 0) {
    await ledger.transfer(tx, { ...base, fromAccountId: accounts.commission_debt, toAccountId: to, amountFen: amountFen - fromAvailable, idempotencyKey: `${key}:debt` });
  }
  return { fromAvailableFen: fromAvailable, fromDebtFen: amountFen - fromAvailable };
}
