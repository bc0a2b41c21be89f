-- A transfer's two foreign keys cost the unfreeze sweep 40 of every 105 ms per batch of 2 000 at a
-- million earnings: one lookup per row and column, each taking a KEY SHARE lock on the account row,
-- which also made the platform expense account (the from side of every earning) a multixact shared by
-- every running checkout. The guarantee they gave is kept in two parts instead: accounts are
-- permanent (never deleted, their id never changes), and the statement trigger that already checks
-- overdrafts also checks, set-based and without locks, that every account a statement names exists.
-- A permanent row that exists at the check exists for good, so this is the same integrity.
alter table ledger_transfers drop constraint ledger_transfers_from_account_id_fkey;
alter table ledger_transfers drop constraint ledger_transfers_to_account_id_fkey;

create function ledger_accounts_permanent() returns trigger language plpgsql as $$
begin
  raise exception 'ledger accounts are permanent: transfers refer to them' using errcode = 'P0001';
end $$;
create trigger ledger_accounts_no_delete before delete on ledger_accounts
  for each row execute function ledger_accounts_permanent();
create trigger ledger_accounts_no_truncate before truncate on ledger_accounts
  for each statement execute function ledger_accounts_permanent();
create trigger ledger_accounts_fixed_id before update of id on ledger_accounts
  for each row when (old.id is distinct from new.id) execute function ledger_accounts_permanent();

-- The overdraft check also reads less: credits can only raise a balance, so an account whose
-- checkpoint covers every debit since its horizon cannot be overdrawn, and the sum of its credits
-- since then is only read when that first test fails (a hot frozen account has thousands).
create or replace function ledger_transfers_check_balances() returns trigger language plpgsql as $$
declare
  missing bigint;
  overdrawn bigint;
begin
  select x.id into missing
  from (select from_account_id as id from inserted union select to_account_id from inserted) x
  where not exists (select 1 from ledger_accounts a where a.id = x.id)
  limit 1;
  if missing is not null then
    raise exception 'ledger account % does not exist', missing using errcode = '23503';
  end if;
  select a.id into overdrawn
  from (select distinct from_account_id as id from inserted) d
  join ledger_accounts a on a.id = d.id and not a.allow_negative
  left join ledger_checkpoints cp on cp.account_id = a.id
  cross join lateral (
    select coalesce(cp.balance_fen, 0) - coalesce(sum(t.amount_fen), 0) as after_debits_fen
    from ledger_transfers t where t.from_account_id = a.id and t.created_at >= coalesce(cp.horizon, '-infinity')) b
  where case when b.after_debits_fen >= 0 then false
             else b.after_debits_fen + coalesce((select sum(t.amount_fen) from ledger_transfers t
                                                 where t.to_account_id = a.id and t.created_at >= coalesce(cp.horizon, '-infinity')), 0) < 0 end
  limit 1;
  if overdrawn is not null then
    raise exception 'ledger account % would go negative', overdrawn using errcode = 'P0002';
  end if;
  return null;
end $$;
