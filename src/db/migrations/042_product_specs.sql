-- Specs (规格, issue 15): a product's attributes (颜色 × 尺码 …) generate its SKU matrix, one SKU per
-- combination of values, each with its own price, stock and picture (src/modules/catalog/specs.ts).
-- spec_attributes: [{"name": "颜色", "values": ["米白", "雾蓝"]}, …], at most three, in display order.
-- spec_values: a SKU's value of each attribute, in the attributes' order ([] when there are none).
-- retired_at: a SKU dropped from the matrix stays (orders, dealers' stock and commission overrides
-- name it) but is no longer shown or sold; the same combination coming back revives it.
-- selectable: HQ lets distributors pick the product for their mini-shops (选品); withdrawn, it
-- drops out of every mini-shop that picked it.
alter table products add column spec_attributes jsonb not null default '[]';
alter table products add column selectable boolean not null default true;
alter table product_skus add column spec_values jsonb not null default '[]';
alter table product_skus add column image_media_id bigint references media_assets (id);
alter table product_skus add column retired_at timestamptz;
create index product_skus_image_media_idx on product_skus (image_media_id) where image_media_id is not null;

-- products that already have several SKUs with distinct names: the names become the values of one
-- attribute, 规格, so every product's picker works the same way
with named as (
  select product_id, jsonb_agg(name order by id) as names
  from product_skus
  group by product_id
  having count(*) > 1 and count(distinct name) = count(*)
)
update products p set spec_attributes = jsonb_build_array(jsonb_build_object('name', '规格', 'values', named.names))
from named where named.product_id = p.id;

update product_skus s set spec_values = jsonb_build_array(s.name)
from products p where p.id = s.product_id and p.spec_attributes <> '[]'::jsonb;
