-- A checkpoint's foreign key made every fold take a KEY SHARE lock on each folded account row, in
-- no particular order, while debits (refunds, withdrawals, the unfreeze sweep) hold account rows
-- FOR UPDATE: the two could deadlock (found by the race suite once long sweeps began to fold).
-- Checkpoints are derived from transfers, whose own foreign keys already guarantee the account.
alter table ledger_checkpoints drop constraint ledger_checkpoints_account_id_fkey;
