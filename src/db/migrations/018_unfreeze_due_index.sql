-- The unfreeze sweep claims due earnings in (frozen_until, id) order; an index in exactly that order
-- lets each batch read only its own rows (with the old (frozen_until) index every batch sorted all
-- that were still due). The (earner_id, id) index of 007 served an older claim order and only costs
-- writes now.
drop index if exists commission_earnings_frozen_by_earner_idx;
drop index if exists commission_earnings_unfreeze_idx;
create index commission_earnings_due_idx on commission_earnings (frozen_until, id) where state = 'frozen';
