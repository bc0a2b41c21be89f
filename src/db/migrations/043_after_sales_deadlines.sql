-- After-sales deadlines and the commission hold (src/modules/orders/after-sales-deadlines.ts).
-- A pending request not reviewed by review_due_at (the rules' afterSalesReviewDays after it was made)
-- is approved by the job orders.after-sales-deadlines; a return the buyer sent back and the merchant
-- did not confirm by receive_due_at (returnReceiveDays after the buyer's return parcel) is received
-- and refunded by it. Either is null once it no longer applies (the job could not act: HQ decides).
alter table refund_requests
  add column review_due_at timestamptz,
  add column receive_due_at timestamptz;
-- requests already waiting get the whole period from now: the merchant was never told of a deadline
update refund_requests set review_due_at = now() + interval '2 days' where status = 'pending';
update refund_requests set receive_due_at = now() + interval '10 days' where status = 'returning';
create index refund_requests_review_due_idx on refund_requests (review_due_at) where status = 'pending';
create index refund_requests_receive_due_idx on refund_requests (receive_due_at) where status = 'returning';

-- A supplier's return address: the one it named last when it approved a return, used when the job
-- approves a return on its lines for it (suppliers/after-sales.ts).
alter table suppliers add column return_address json;

-- The commission module's hold (commission/service.ts holdForAfterSales): the orders module sets it
-- on every earning of an order while the order has an open after-sales request (or an approved one
-- whose refund is still with the provider), in the same transaction as the request's change. A held
-- earning stays frozen; the unfreeze sweep's partial index leaves it out, so the claim reads no other
-- table and stays one index range.
alter table commission_earnings add column after_sales_hold boolean not null default false;
update commission_earnings e set after_sales_hold = true
where exists (
  select 1 from refund_requests q left join refunds r on r.id = q.refund_id
  where q.order_id = e.order_id
    and (q.status in ('pending', 'awaiting_return', 'returning') or (q.status = 'approved' and r.status = 'processing')));
drop index if exists commission_earnings_due_idx;
create index commission_earnings_due_idx on commission_earnings (frozen_until, id) where state = 'frozen' and not after_sales_hold;
