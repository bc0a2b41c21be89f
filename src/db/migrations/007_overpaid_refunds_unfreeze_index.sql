-- a refund the provider paid although its amounts had already been refunded again (a late success
-- after a failure report): kept as 'overpaid' so reconciliation shows it until HQ settles it
alter table refunds drop constraint refunds_status_check;
alter table refunds add constraint refunds_status_check check (status in ('processing', 'succeeded', 'failed', 'overpaid'));

-- the unfreeze sweep claims frozen earnings by earner and id; without this it walks past every
-- earning already unfrozen, and a sweep over a million grows quadratic
create index commission_earnings_frozen_by_earner_idx on commission_earnings (earner_id, id) where state = 'frozen';
