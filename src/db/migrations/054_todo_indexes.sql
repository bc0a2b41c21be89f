-- The console dashboard's 待办 (GET /api/admin/todo, issue 17) counts what waits for HQ; each count must be an
-- index range over the few waiting rows, never a scan of a table that only grows. Most have their index
-- already (refund_requests, payouts, supplier_proposals, risk_holds, dealer_restocks, loyalty_redemptions by
-- status; the partial indexes of distributor applications, adjustment approvals and rule changes; orders to
-- ship: orders_to_ship_idx of 055, the order list's toShip filter). These two did not. Each predicate is
-- exactly the one its count and list filter use (the modules' todo.ts).
-- failed refunds, each then checked for a later refund of its order through refunds_order_idx
create index refunds_failed_idx on refunds (order_id, id) where status = 'failed';
-- earnings held back by a risk rule or an open after-sales request (commission/todo.ts heldEarning), newest first
create index commission_earnings_held_idx on commission_earnings (id) where (risk_hold or after_sales_hold) and state <> 'reversed';
