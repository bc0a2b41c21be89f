-- The orders module no longer knows the stores table: a pickup order's store is checked when the order
-- is placed, through the stores module (orders/participants.ts PickupStores), and the order keeps its
-- number. Stores are never deleted (they close), so the keys guarded nothing the checks do not.
alter table orders drop constraint if exists orders_store_id_fkey;
alter table pickup_codes drop constraint if exists pickup_codes_store_id_fkey;
