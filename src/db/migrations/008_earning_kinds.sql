-- Earnings of every channel share one lifecycle (pending → frozen → available, reversed on refunds):
-- distribution commission, regional and non-regional agent awards, the coupon sharer's guide
-- commission (导购返佣), supplier settlements, dealer sales and dealer rebates.
alter table commission_earnings drop constraint commission_earnings_kind_check;
alter table commission_earnings add constraint commission_earnings_kind_check
  check (kind in ('distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate'));
