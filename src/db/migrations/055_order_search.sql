-- The console's order search (issue 17): what a filter of GET /api/admin/orders needs an index for
-- (checked with EXPLAIN on PostgreSQL; see the test order-search). A word of a nickname or of a
-- line's title is a contains-match (ilike '%word%'), like the catalog's search: no index serves it
-- without pg_trgm, which this project does not require of its database.
-- the buyer's phone by its last 4 digits (a whole phone has members' unique index)
create index members_phone_last4_idx on members (right(phone, 4));
-- the orders a distributor shared (those it earned commission on: commission_earnings_earner_idx)
create index orders_sharer_idx on orders (sharer_id) where sharer_id is not null;
-- the orders holding a product
create index order_lines_product_idx on order_lines (product_id, order_id);
-- the orders placed in a date range, newest first (the list orders a range by created_at, then id)
create index orders_created_at_idx on orders (created_at, id);
-- 待发货: what fulfilment must ship (paid, by express), newest first; the dashboard counts it too
create index orders_to_ship_idx on orders (id desc) where status = 'paid' and delivery_method = 'express';
