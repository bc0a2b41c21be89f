-- Payouts on the providers' account bills: WeChat Pay's 资金账单 (basic account) lists every 商家转账, and
-- Alipay's 账务明细 (bill_type signcustomer) every alipay.fund.trans.uni.transfer. The day's account bill is
-- fetched with its trade bill and stored in the same bill row; only its transfer lines are kept (payments
-- and refunds are matched on the trade bill). A payout line's out_trade_no is the merchant's number of the
-- transfer (out_bill_no / out_biz_no: our attempt's business number, 031), provider_txn_id the provider's
-- (微信支付业务单号 / 业务流水号); 'payout' is money out, 'payout_return' money of a failed transfer back.
alter table statement_lines drop constraint statement_lines_kind_check;
alter table statement_lines add constraint statement_lines_kind_check
  check (kind in ('payment', 'refund', 'other', 'payout', 'payout_return'));

alter table statement_differences drop constraint statement_differences_record_type_check;
alter table statement_differences add constraint statement_differences_record_type_check
  check (record_type in ('payment', 'refund', 'payment_return', 'payout'));
-- what a difference is about, also when no record of ours names it (a line missing here)
alter table statement_differences add column subject text not null default 'payment'
  check (subject in ('payment', 'refund', 'payout'));
update statement_differences d set subject = 'refund'
  where d.record_type in ('refund', 'payment_return')
     or exists (select 1 from statement_lines l where l.bill_id = d.bill_id and l.seq = d.line_seq and l.kind = 'refund');
alter table statement_differences alter column subject drop default;

-- whether the day's account bill was fetched and matched (only where the payout channel is configured)
alter table statement_bills add column account_bill boolean not null default false;
alter table statement_bills add column payout_count integer not null default 0;
alter table statement_bills add column payout_total_fen bigint not null default 0 check (payout_total_fen >= 0);
alter table statement_bills add column payout_return_fen bigint not null default 0 check (payout_return_fen >= 0);
