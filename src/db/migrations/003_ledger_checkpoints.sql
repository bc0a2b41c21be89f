-- Balance checkpoints: a fold of each account's transfers created before `horizon`. A balance is
-- the checkpoint plus the transfers since, so a hot account's balance stays a short sum however
-- many transfers it has. The fold only moves a horizon past the start of every running
-- transaction, so no transfer can appear behind it later.
create table ledger_checkpoints (
  account_id bigint primary key references ledger_accounts (id),
  horizon timestamptz not null,
  balance_fen bigint not null,
  updated_at timestamptz not null default now()
);

create table ledger_fold_state (
  id integer primary key check (id = 1),
  last_horizon timestamptz not null
);
insert into ledger_fold_state (id, last_horizon) values (1, '1970-01-01 00:00:00+00');

drop index ledger_transfers_from_idx;
drop index ledger_transfers_to_idx;
create index ledger_transfers_to_time_idx on ledger_transfers (to_account_id, created_at) include (amount_fen);
create index ledger_transfers_from_time_idx on ledger_transfers (from_account_id, created_at) include (amount_fen);
create index ledger_transfers_created_idx on ledger_transfers (created_at);

create function ledger_balance(account bigint) returns bigint language sql stable as $$
  with cp as (select balance_fen, horizon from ledger_checkpoints where account_id = account)
  select coalesce((select balance_fen from cp), 0)
       + coalesce((select sum(amount_fen) from ledger_transfers
                   where to_account_id = account and created_at >= coalesce((select horizon from cp), '-infinity')), 0)
       - coalesce((select sum(amount_fen) from ledger_transfers
                   where from_account_id = account and created_at >= coalesce((select horizon from cp), '-infinity')), 0)
$$;

-- the overdraft check runs once per statement and debited account, so a bulk insert of many
-- transfers (the unfreeze sweep) checks each account once, on the statement's final state
drop trigger ledger_transfers_balance_check on ledger_transfers;
drop function ledger_transfers_check_balance();
create function ledger_transfers_check_balances() returns trigger language plpgsql as $$
declare
  overdrawn bigint;
begin
  select a.id into overdrawn
  from (select distinct from_account_id from inserted) d
  join ledger_accounts a on a.id = d.from_account_id
  where not a.allow_negative and ledger_balance(a.id) < 0
  limit 1;
  if overdrawn is not null then
    raise exception 'ledger account % would go negative', overdrawn using errcode = 'P0002';
  end if;
  return null;
end $$;
create trigger ledger_transfers_balance_check after insert on ledger_transfers
  referencing new table as inserted
  for each statement execute function ledger_transfers_check_balances();
