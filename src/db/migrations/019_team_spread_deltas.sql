-- A registration or a sale now writes ONE team delta at the member it happened to, marked `spread`:
-- the fold (and readers) apply it to every ancestor through the closure table. Before, it wrote one
-- row per ancestor (up to 40) inside the registration or payment transaction. Moves still write
-- per-ancestor rows, after spreading the moving subtree's pending deltas over its old ancestors.
alter table referral_team_deltas add column spread boolean not null default false;
create index referral_team_deltas_spread_idx on referral_team_deltas (member_id) where spread;
