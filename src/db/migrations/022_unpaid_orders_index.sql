-- The unpaid-order job finds orders still waiting for payment, oldest first; a partial index keeps
-- that a short read however many orders were ever placed.
create index orders_unpaid_idx on orders (created_at) where status = 'pending_payment';
