-- physical stores (门店): pickup and local delivery; staff verify pickups (核销) exactly once
create table stores (
  id bigserial primary key,
  name text not null,
  region_code text not null check (region_code ~ '^\d{6}$'),
  address text not null,
  latitude double precision not null check (latitude between -90 and 90),
  longitude double precision not null check (longitude between -180 and 180),
  opening_hours text not null default '09:00-21:00',
  phone text,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null default now()
);
create index stores_region_idx on stores (region_code);

create table store_staff (
  store_id bigint not null references stores (id),
  member_id bigint not null references members (id),
  role text not null default 'clerk' check (role in ('manager', 'clerk')),
  created_at timestamptz not null default now(),
  primary key (store_id, member_id)
);
create index store_staff_member_idx on store_staff (member_id);

alter table orders add column delivery_method text not null default 'express' check (delivery_method in ('express', 'pickup'));
alter table orders add column store_id bigint references stores (id);
alter table orders add constraint orders_pickup_needs_store check (delivery_method <> 'pickup' or store_id is not null);

-- one code per pickup order, made when it is paid; redeemed at most once
create table pickup_codes (
  order_id bigint primary key references orders (id),
  store_id bigint not null references stores (id),
  code text not null unique check (code ~ '^\d{10}$'),
  redeemed_at timestamptz,
  redeemed_by bigint references members (id),
  created_at timestamptz not null default now()
);
