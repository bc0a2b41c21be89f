// The home page's decoration (装修, set in the console): GET /api/shop/decoration, kept for the tab's
// life so coming back home draws at once (and asked again behind it), the rule that turns a saved
// order into what the page draws, and the banner carousel.
import { Swiper } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ResponseOf } from '../../shared/api';
import { request } from './api';
import { useI18n } from './i18n';

export type ShopDecoration = ResponseOf<'/api/shop/decoration'>;
export type DecorationBanner = ShopDecoration['banners'][number];
type Placement = ShopDecoration['sections'][number];

/** What the page looks like with nothing saved (and while nothing could be read). */
export const NO_DECORATION: ShopDecoration = { version: 0, banners: [], sections: [], tiles: [] };

let kept: ShopDecoration | null = null;
let pending: Promise<ShopDecoration> | null = null;

function load(): Promise<ShopDecoration> {
  pending ??= request<ShopDecoration>('/api/shop/decoration', { redirectOn401: false })
    .then((d) => (kept = d))
    .finally(() => (pending = null));
  return pending;
}

/** The decoration, or null until the first answer (a failed read is the default page, never an error). */
export function useDecoration(): ShopDecoration | null {
  const [decoration, setDecoration] = useState<ShopDecoration | null>(kept);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && setDecoration(d),
      () => live && setDecoration((d) => d ?? NO_DECORATION),
    );
    return () => {
      live = false;
    };
  }, []);
  return decoration;
}

/**
 * The keys to draw, in order: the saved ones the page knows and shows, then every key the saved
 * order does not name, in the page's default order (a feature added later shows without a console
 * visit). Hidden keys are left out; saved keys the page does not know are ignored.
 */
export function arrange(defaults: readonly string[], saved: readonly Placement[]): string[] {
  const known = new Set(defaults);
  const named = new Set(saved.map((p) => p.key));
  return [...saved.filter((p) => p.visible && known.has(p.key)).map((p) => p.key), ...defaults.filter((k) => !named.has(k))];
}

/** Where tapping a banner goes, as a path of the shop. */
export function bannerTarget(link: DecorationBanner['link']): string | null {
  if (!link) return null;
  if (link.kind === 'product') return `/product/${link.productId}`;
  if (link.kind === 'category') return `/category?c=${encodeURIComponent(link.category)}`;
  return link.path;
}

/** The shop's own banner, as it always was: shown when no banner of the decoration is showing. */
export function DefaultBanner() {
  const { t } = useI18n();
  return (
    <div className="home-banner">
      <div className="home-banner-title">{t('home.banner.title')}</div>
      <div className="home-banner-sub">{t('home.banner.sub')}</div>
    </div>
  );
}

/** HQ's banners as a carousel; each picture in the rendition the screen needs; a tap follows its link. */
export function BannerCarousel({ banners }: { banners: DecorationBanner[] }) {
  const navigate = useNavigate();
  return (
    <div className="home-banners" data-testid="home-banners" style={{ marginTop: 12, borderRadius: 'var(--card-radius)', overflow: 'hidden', boxShadow: '0 4px 14px rgba(255, 77, 45, 0.18)' }}>
      <Swiper autoplay={banners.length > 1} loop={banners.length > 1} autoplayInterval={4000} indicatorProps={{ color: 'white' }}>
        {banners.map((b, i) => {
          const to = bannerTarget(b.link);
          const { medium, large } = b.image;
          return (
            <Swiper.Item key={`${b.image.id}-${i}`}>
              <div
                role={to ? 'link' : undefined}
                onClick={to ? () => navigate(to) : undefined}
                data-testid="home-banner-slide"
                data-target={to ?? ''}
                style={{ position: 'relative', aspectRatio: '5 / 2', background: '#fff4ec', cursor: to ? 'pointer' : 'default' }}
              >
                <img
                  src={medium.url}
                  srcSet={`${medium.url} ${medium.width}w, ${large.url} ${large.width}w`}
                  sizes="(max-width: 600px) 100vw, 600px"
                  alt={b.title}
                  draggable={false}
                  style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block' }}
                />
                <div
                  data-testid="home-banner-title"
                  style={{ position: 'absolute', left: 0, right: 0, bottom: 0, padding: '18px 12px 8px', color: '#fff', fontWeight: 600, fontSize: 15, background: 'linear-gradient(180deg, transparent, rgba(0,0,0,.45))', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                >
                  {b.title}
                </div>
              </div>
            </Swiper.Item>
          );
        })}
      </Swiper>
    </div>
  );
}
