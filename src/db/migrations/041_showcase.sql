-- A distributor's mini-shop (微店) picks what it shows and in which order (选品), from the products on
-- sale (src/modules/showcase). A mini-shop with no picks shows the whole mall.
create table showcase_picks (
  member_id bigint not null references members (id),
  product_id bigint not null references products (id),
  position integer not null check (position between 0 and 99),
  created_at timestamptz not null default now(),
  primary key (member_id, product_id)
);
create unique index showcase_picks_position_idx on showcase_picks (member_id, position);
