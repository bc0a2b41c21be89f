-- The overdraft check once per statement, set-based: the balance of each debited account is
-- computed in the check's own query (checkpoint plus the transfers since) instead of one
-- ledger_balance() call per account, which an unfreeze batch of 2 000 accounts paid 2 000 times.
-- Same rule as 003: an account that may not go negative fails the whole statement.
create or replace function ledger_transfers_check_balances() returns trigger language plpgsql as $$
declare
  overdrawn bigint;
begin
  select a.id into overdrawn
  from (select distinct from_account_id as id from inserted) d
  join ledger_accounts a on a.id = d.id and not a.allow_negative
  left join ledger_checkpoints cp on cp.account_id = a.id
  where coalesce(cp.balance_fen, 0)
        + coalesce((select sum(t.amount_fen) from ledger_transfers t where t.to_account_id = a.id and t.created_at >= coalesce(cp.horizon, '-infinity')), 0)
        - coalesce((select sum(t.amount_fen) from ledger_transfers t where t.from_account_id = a.id and t.created_at >= coalesce(cp.horizon, '-infinity')), 0) < 0
  limit 1;
  if overdrawn is not null then
    raise exception 'ledger account % would go negative', overdrawn using errcode = 'P0002';
  end if;
  return null;
end $$;
