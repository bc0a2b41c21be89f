-- Search and sort in the shop (issue 17): units sold per product (已售, sort by sales), counted by the
-- catalog's order participant after each payment commits (catalog/sales.ts); and a SKU's list price
-- (划线价), shown struck through beside the price — only ever above it (never a made-up discount).
alter table products add column sold_count integer not null default 0 check (sold_count >= 0);
alter table product_skus add column list_price_fen integer check (list_price_fen is null or list_price_fen > price_fen);
-- what was sold before the counter existed
update products p set sold_count = s.units
from (select l.product_id, sum(l.quantity)::int as units from order_lines l join orders o on o.id = l.order_id where o.paid_at is not null group by l.product_id) s
where s.product_id = p.id;
create index products_sales_idx on products (sold_count desc, id desc) where status = 'on_sale';
