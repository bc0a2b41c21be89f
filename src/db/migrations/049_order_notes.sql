-- What the buyer adds at checkout (issue 17): a note for the merchant (买家留言, at most 200 characters)
-- and an invoice request (发票: personal or company title, a company's taxpayer number), shown to
-- whoever ships the order. Neither bears money, so a checkout replay is not compared on them.
alter table orders add column buyer_note text check (buyer_note is null or char_length(buyer_note) <= 200);
alter table orders add column invoice jsonb;
