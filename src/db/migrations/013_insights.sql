-- Value analytics (src/modules/insights): indexes only, no tables.
-- "is this the buyer's first paid order" and "when was a member's first paid order" become one
-- index probe per order or member (trends, cycle times, the funnel)
create index orders_buyer_paid_idx on orders (buyer_id, paid_at, id) where paid_at is not null;
-- the funnel reads share-link visits by time
create index referral_visits_created_idx on referral_visits (created_at);
