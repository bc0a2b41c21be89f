-- Shop decoration (装修, src/modules/storefront, issue 17): HQ's home banners and the order and
-- visibility of the home page's sections and tiles. Every save is a new version (append-only, so
-- the history stays); the current decoration is the highest version. A save names the version it
-- was edited from, so two operators cannot overwrite each other unseen (the service checks it
-- under a lock; the primary key backs it). No row: the shop's default home page.
create table storefront_decorations (
  version integer primary key check (version > 0),
  content jsonb not null,
  saved_by bigint references members (id),
  saved_at timestamptz not null default now()
);
