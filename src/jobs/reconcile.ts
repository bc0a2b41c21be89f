// Reconciliation: proves the ledger's invariants against the business records and lists every
// difference. It only reads; a difference is for a person to look at, never auto-corrected.
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface ReconciliationCheck {
  name: string;
  description: string;
  differences: Array<Record<string, unknown>>;
}

export interface ReconciliationReport {
  ok: boolean;
  checkedAt: Date;
  transfers: number;
  checks: ReconciliationCheck[];
}

/**
 * Every account's balance from the raw transfers in one pass (two hash aggregates), instead of a
 * function call per account: over millions of accounts this is the difference between seconds and
 * minutes. Checkpoints are proved separately against the same transfers.
 */
const ACCOUNT_BALANCES = sql`account_balances as (
  select a.id, a.owner_id, a.purpose, a.allow_negative, coalesce(m.fen, 0) as fen
  from ledger_accounts a left join (
    select id, sum(d) as fen from (
      select to_account_id as id, amount_fen as d from ledger_transfers
      union all
      select from_account_id, -amount_fen from ledger_transfers) moves
    group by id) m on m.id = a.id)`;

const CHECKS: Array<{ name: string; description: string; query: ReturnType<typeof sql> }> = [
  {
    name: 'ledger_sums_to_zero',
    description: 'every fen that left an account arrived in another: all balances add up to zero',
    query: sql`select total from (select coalesce(sum(b), 0) as total from (
      select sum(amount_fen) as b from ledger_transfers union all select -sum(amount_fen) from ledger_transfers) s) t where total <> 0`,
  },
  {
    name: 'checkpoints_match_transfers',
    description: 'each balance checkpoint equals the sum of its account’s transfers before its horizon',
    query: sql`select cp.account_id, cp.horizon, cp.balance_fen,
        coalesce((select sum(amount_fen) from ledger_transfers where to_account_id = cp.account_id and created_at < cp.horizon), 0)
      - coalesce((select sum(amount_fen) from ledger_transfers where from_account_id = cp.account_id and created_at < cp.horizon), 0) as transfers_fen
      from ledger_checkpoints cp
      where cp.balance_fen <> coalesce((select sum(amount_fen) from ledger_transfers where to_account_id = cp.account_id and created_at < cp.horizon), 0)
                            - coalesce((select sum(amount_fen) from ledger_transfers where from_account_id = cp.account_id and created_at < cp.horizon), 0)`,
  },
  {
    name: 'no_overdraft',
    description: 'no spendable account is below zero, and no debt account above zero',
    query: sql`with ${ACCOUNT_BALANCES}
      select id as account_id, owner_id, purpose, fen as balance from account_balances
      where (not allow_negative and fen < 0) or (purpose = 'commission_debt' and fen > 0)`,
  },
  {
    name: 'earning_matches_ledger',
    description: 'each earning was credited exactly once for its amount, and its reversals add up to reversed_fen',
    query: sql`select e.id as earning_id, e.amount_fen, e.reversed_fen, coalesce(t.earned, 0) as ledger_earned, coalesce(t.reversed, 0) as ledger_reversed
      from commission_earnings e
      left join (select ref_id,
                        sum(amount_fen) filter (where code like '%.earn') as earned,
                        sum(amount_fen) filter (where code = 'commission.reverse') as reversed
                 from ledger_transfers where ref_type = 'commission_earning' group by ref_id) t on t.ref_id = e.id
      where coalesce(t.earned, 0) <> e.amount_fen or coalesce(t.reversed, 0) <> e.reversed_fen or e.reversed_fen > e.amount_fen`,
  },
  {
    name: 'pending_and_frozen_match_earnings',
    description: "a member's pending and frozen balances equal what their pending and frozen earnings still hold",
    query: sql`with held as (
        select earner_id, state, sum(amount_fen - reversed_fen) as fen from commission_earnings
        where state in ('pending', 'frozen') group by earner_id, state),
      ${ACCOUNT_BALANCES},
      bal as (
        select b.owner_id as member_id, b.purpose, b.fen
        from account_balances b join ledger_accounts a on a.id = b.id
        where a.owner_type = 'member' and b.purpose in ('commission_pending', 'commission_frozen'))
      select bal.member_id, bal.purpose, bal.fen as ledger_fen, coalesce(held.fen, 0) as earnings_fen
      from bal left join held on held.earner_id = bal.member_id
        and held.state = case bal.purpose when 'commission_pending' then 'pending' else 'frozen' end
      where bal.fen <> coalesce(held.fen, 0)`,
  },
  {
    name: 'commission_within_order',
    description: 'commission on an order never exceeds what its lines paid (supplier settlements and dealer sales are payables, not commission)',
    query: sql`select o.id as order_id, o.order_no, sum(e.amount_fen) as commission_fen, (select sum(paid_fen) from order_lines l where l.order_id = o.id) as lines_paid_fen
      from commission_earnings e join orders o on o.id = e.order_id where e.kind not in ('supplier_settlement', 'dealer_sale') group by o.id
      having sum(e.amount_fen) > (select sum(paid_fen) from order_lines l where l.order_id = o.id)`,
  },
  {
    name: 'withdrawing_matches_payouts',
    description: "a member's withdrawing balance equals their payouts under review or in flight",
    query: sql`with inflight as (
        select member_id, sum(amount_fen) as fen from payouts where status in ('reviewing', 'processing') group by member_id),
      ${ACCOUNT_BALANCES},
      bal as (
        select b.owner_id as member_id, b.fen
        from account_balances b join ledger_accounts a on a.id = b.id
        where a.owner_type = 'member' and b.purpose = 'payout_withdrawing')
      select bal.member_id, bal.fen as ledger_fen, coalesce(inflight.fen, 0) as payouts_fen
      from bal left join inflight using (member_id) where bal.fen <> coalesce(inflight.fen, 0)`,
  },
  {
    name: 'paid_out_matches_payouts',
    description: 'money sent out plus fees equals the paid payouts',
    query: sql`select * from (
        select (select coalesce(sum(amount_fen), 0) from payouts where status = 'paid') as payouts_fen,
               (select coalesce(sum(t.amount_fen), 0) from ledger_transfers t where t.code in ('payout.paid', 'payout.fee')) as ledger_fen) x
      where payouts_fen <> ledger_fen`,
  },
  {
    name: 'refunds_match_orders',
    description: "an order's and each line's refunded amount equal their succeeded refunds",
    query: sql`select o.id as order_id, o.order_no, o.refunded_fen, coalesce(r.fen, 0) as refunds_fen from orders o
        left join (select order_id, sum(amount_fen) as fen from refunds where status = 'succeeded' group by order_id) r on r.order_id = o.id
        where o.refunded_fen <> coalesce(r.fen, 0)
      union all
      select l.order_id, 'line ' || l.id, l.refunded_fen, coalesce(x.fen, 0) from order_lines l
        left join (select rl.order_line_id, sum(rl.amount_fen) as fen from refund_lines rl join refunds r on r.id = rl.refund_id
                   where r.status = 'succeeded' group by rl.order_line_id) x on x.order_line_id = l.id
        where l.refunded_fen <> coalesce(x.fen, 0)`,
  },
  {
    name: 'payments_without_order',
    description: 'every successful payment belongs to a paid order, or was returned (otherwise the money is due back to the buyer)',
    query: sql`select p.id as payment_id, p.out_trade_no, p.amount_fen, o.order_no, o.status from payments p join orders o on o.id = p.order_id
      where p.status = 'succeeded' and not exists (select 1 from payment_returns pr where pr.payment_id = p.id and pr.status = 'succeeded')
        and (o.paid_at is null or p.provider_txn_id is distinct from (
        select p2.provider_txn_id from payments p2 where p2.order_id = o.id and p2.status = 'succeeded' order by p2.paid_at, p2.id limit 1))`,
  },
  {
    name: 'refunds_paid_twice',
    description: 'no refund was paid out beyond what the order paid (a late provider success after it was refunded again)',
    query: sql`select r.id as refund_id, r.refund_no, r.order_id, r.amount_fen from refunds r where r.status = 'overpaid'`,
  },
  {
    name: 'paid_orders_have_one_payment',
    description: 'every paid order has exactly one successful payment of its amount',
    query: sql`select o.id as order_id, o.order_no, o.paid_fen, count(p.id) as payments, coalesce(sum(p.amount_fen), 0) as payments_fen
      from orders o left join payments p on p.order_id = o.id and p.status = 'succeeded'
      where o.paid_at is not null group by o.id having count(p.id) <> 1 or coalesce(sum(p.amount_fen), 0) <> o.paid_fen`,
  },
  {
    name: 'statement_differences',
    description: "every line of the providers' daily bills matches our payments, refunds and payouts, and every payment, refund and paid payout of ours is on its bill (differences finance has not settled)",
    query: sql`select d.provider, d.bill_date, d.kind, d.reference, d.record_type, d.our_fen, d.their_fen, d.our_state, d.their_state, d.note
      from statement_differences d
      where not exists (select 1 from statement_resolutions r where r.provider = d.provider and r.bill_date = d.bill_date and r.fingerprint = d.fingerprint)
      order by d.bill_date, d.provider, d.id`,
  },
  {
    name: 'statements_fetched',
    description: 'every provider bill tried is stored within two days of being due (not ready or failing for longer needs a look)',
    query: sql`select provider, bill_date, status, attempts, last_error from statement_bills
      where status <> 'fetched' and bill_date < to_char((now() at time zone 'Asia/Shanghai') - interval '2 days', 'YYYY-MM-DD')
      order by bill_date, provider`,
  },
];

export async function reconcile(ex: Executor, now = new Date()): Promise<ReconciliationReport> {
  const checks: ReconciliationCheck[] = [];
  for (const check of CHECKS) {
    const result = await check.query.execute(ex);
    checks.push({ name: check.name, description: check.description, differences: result.rows as Array<Record<string, unknown>> });
  }
  const transfers = await ex.selectFrom('ledger_transfers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { ok: checks.every((c) => c.differences.length === 0), checkedAt: now, transfers: Number(transfers.n), checks };
}
