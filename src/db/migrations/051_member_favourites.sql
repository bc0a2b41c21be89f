-- A member's favourite products (收藏, src/modules/storefront, issue 17): at most 500 per member
-- (the service checks it under a per-member lock), listed newest first. A product taken off sale
-- stays favourited (the list marks it), so it comes back when it is on sale again.
create table member_favourites (
  member_id bigint not null references members (id),
  product_id bigint not null references products (id),
  created_at timestamptz not null default now(),
  primary key (member_id, product_id)
);
create index member_favourites_newest_idx on member_favourites (member_id, created_at desc, product_id desc);
