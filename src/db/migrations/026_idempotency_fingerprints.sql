-- What each checkout key was used for: field name → sha256 of the canonical JSON of each
-- money-bearing field of the checkout (items, delivery, coupon, dealer shop, sharer), so a replay
-- of the key with another request is refused (409 IDEMPOTENCY_KEY_REUSED) instead of answering the
-- first order. Orders made before this column have none and replay as before. Withdrawals, refunds
-- and adjustments keep their money-bearing fields in their own rows and are compared directly.
alter table orders add column checkout_fingerprint jsonb;
