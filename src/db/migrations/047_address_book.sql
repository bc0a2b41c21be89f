-- The buyer's address book (src/modules/addresses, issue 17): several shipping addresses per member,
-- one of them the default, kept on the server so every device (H5, mini-program, PC) sees them.
-- At most 20 per member (the service checks it). The default is unique per member (partial index).
create table member_addresses (
  id bigserial primary key,
  member_id bigint not null references members (id),
  name text not null,
  phone text not null,
  province text not null,
  city text not null,
  district text not null,
  detail text not null,
  region_code text not null check (region_code ~ '^[0-9]{6}$'),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index member_addresses_member_idx on member_addresses (member_id, id);
create unique index member_addresses_default_idx on member_addresses (member_id) where is_default;
