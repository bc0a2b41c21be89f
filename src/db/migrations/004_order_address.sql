-- where an order goes: the consignee's address, and its administrative division (GB/T 2260
-- district code) so orders can later be attributed to a region
alter table orders add column shipping_address jsonb;
alter table orders add column region_code text check (region_code ~ '^\d{6}$');
create index orders_region_idx on orders (region_code) where region_code is not null;
