-- The orders module's outbox of deferred participant work (src/modules/orders/effects.ts): points,
-- growth points, leaderboard deltas and tier checks leave the payment's transaction. One row per
-- paid order (refund_id null) or succeeded refund that has deferred work, written in that
-- transaction with what the participants are told (PaidOrder / RefundedOrder as JSON, the rule
-- version by id). `pending` names the participants whose deferred hook has not run; the expander
-- runs each in a transaction that also takes its name off the row (and deletes a row left with
-- none), so each runs exactly once. A row is expanded after every earlier row of its order has
-- done the same participant. A failure counts in `tries`, keeps its error and waits until `next_at`.
create table order_effects (
  id bigserial primary key,
  order_id bigint not null references orders (id),
  refund_id bigint references refunds (id),
  payload json not null,
  pending text[] not null check (cardinality(pending) > 0),
  tries integer not null default 0 check (tries >= 0),
  last_error text,
  next_at timestamptz not null,
  created_at timestamptz not null
);
-- the order's earlier rows, looked up for each row a claim takes
create index order_effects_order_idx on order_effects (order_id, id);
