// A product's pictures in the shop: the gallery at the top of the product page (the main picture, then
// the gallery, swiped; a tap opens them full screen), the detail pictures (详情图) below the description,
// and which size a list shows (thumb for small rows, medium for cards). Every picture is WebP in three
// widths (240, 540, 1080, never upscaled), so the browser picks by srcset.
import { ImageViewer, Swiper } from 'antd-mobile';
import { ProductImage } from './components';
import { useI18n } from './i18n';
import type { MediaImage, Product } from '../../shared/types';

type Size = 'thumb' | 'medium' | 'large';

/** The URL a list shows for a product: its main picture's rendition, else the hand-set imageUrl. */
export function pictureOf(p: Pick<Product, 'imageUrl'> & { images?: Product['images'] }, size: Size): string | null {
  return p.images?.main?.[size].url ?? p.imageUrl;
}

const srcSet = (img: MediaImage) => [...new Map([img.thumb, img.medium, img.large].map((v) => [v.url, `${v.url} ${v.width}w`])).values()].join(', ');

/** The top of the product page: one picture, or a swiper of the main and gallery pictures. */
export function ProductGallery({ product }: { product: Product }) {
  const { t } = useI18n();
  const pictures = [...(product.images.main ? [product.images.main] : []), ...product.images.gallery];
  if (pictures.length === 0) return <ProductImage src={product.imageUrl} title={product.title} seed={product.id} className="product-hero-image" />;
  const open = (index: number) => ImageViewer.Multi.show({ images: pictures.map((p) => p.large.url), defaultIndex: index });
  return (
    <Swiper
      className="product-gallery"
      data-testid="product-gallery"
      loop={pictures.length > 1}
      indicator={(total, current) => (total > 1 ? <div className="product-gallery-count" data-testid="product-gallery-count">{`${current + 1}/${total}`}</div> : null)}
    >
      {pictures.map((img, i) => (
        <Swiper.Item key={img.id}>
          <img
            className="product-image"
            src={img.large.url}
            srcSet={srcSet(img)}
            sizes="100vw"
            alt={t('product.pictureOf', { title: product.title, n: i + 1 })}
            loading={i === 0 ? 'eager' : 'lazy'}
            onClick={() => open(i)}
            data-testid="product-gallery-image"
            data-media-id={img.id}
          />
        </Swiper.Item>
      ))}
    </Swiper>
  );
}

/** The detail pictures, full width one under the other, each keeping its proportions while it loads. */
export function DetailImages({ product }: { product: Product }) {
  const { t } = useI18n();
  if (product.images.detail.length === 0) return null;
  return (
    <div className="card product-detail-images" data-testid="product-detail-images">
      <div className="card-title">{t('product.detailImages')}</div>
      {product.images.detail.map((img, i) => (
        <img
          key={img.id}
          src={img.large.url}
          srcSet={srcSet(img)}
          sizes="100vw"
          width={img.large.width}
          height={img.large.height}
          alt={t('product.pictureOf', { title: product.title, n: i + 1 })}
          loading="lazy"
          data-testid="product-detail-image"
          data-media-id={img.id}
        />
      ))}
    </div>
  );
}
