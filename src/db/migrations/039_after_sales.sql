-- After-sales (售后, src/modules/orders/after-sales.ts): a buyer's request is a refund only (仅退款) or a
-- return and refund (退货退款), with a reason from a fixed list beside the buyer's words. A return,
-- once approved, waits for the buyer's parcel back (to return_address, by return_due_at, else it
-- expires), then for HQ to confirm it arrived; only then does the refund go through the payment
-- rail. A buyer may withdraw a request while it is open. One open request per order, as before.
alter table refund_requests
  add column kind text not null default 'refund_only' check (kind in ('refund_only', 'return_refund')),
  add column reason_code text not null default 'other'
    check (reason_code in ('no_longer_needed', 'not_received', 'damaged', 'wrong_item', 'quality', 'not_as_described', 'other')),
  add column return_address json,
  add column return_due_at timestamptz,
  add column return_carrier_code text,
  add column return_carrier_name text,
  add column return_tracking_no text,
  add column return_shipped_at timestamptz,
  add column received_at timestamptz,
  add column received_by bigint references members (id),
  add column closed_at timestamptz;
alter table refund_requests drop constraint refund_requests_status_check;
alter table refund_requests add constraint refund_requests_status_check
  check (status in ('pending', 'awaiting_return', 'returning', 'approved', 'rejected', 'cancelled', 'expired'));
drop index refund_requests_open_idx;
create unique index refund_requests_open_idx on refund_requests (order_id) where status in ('pending', 'awaiting_return', 'returning');
create index refund_requests_return_due_idx on refund_requests (return_due_at) where status = 'awaiting_return';
