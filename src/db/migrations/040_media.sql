-- Pictures (src/modules/media) and product galleries (src/modules/catalog, issue 15).
-- media_assets: one uploaded picture, stored as WebP renditions (large, medium, thumb — never
-- upscaled; two renditions of the same width share one key) with its metadata stripped; the
-- keys are relative to the storage (DATA_DIR/media or an S3 bucket), the URL is built on read.
create table media_assets (
  id bigserial primary key,
  source_format text not null check (source_format in ('jpeg', 'png', 'webp', 'gif', 'svg')), -- svg: drawn by the server (the demo), never uploaded
  source_bytes integer not null check (source_bytes > 0),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  variants jsonb not null,
  uploaded_by bigint references members (id),
  created_at timestamptz not null default now()
);

-- product_images: a product's pictures in order, by kind: one main picture, the gallery after it,
-- and the detail pictures (详情图) shown below the description. products.image_url stays, kept to the
-- main picture's large URL (or null) for what reads it directly.
create table product_images (
  product_id bigint not null references products (id) on delete cascade,
  kind text not null check (kind in ('main', 'gallery', 'detail')),
  position integer not null check (position >= 0),
  media_id bigint not null references media_assets (id),
  primary key (product_id, kind, position),
  check (kind <> 'main' or position = 0)
);
create index product_images_media_idx on product_images (media_id);
