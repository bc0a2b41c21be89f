import { Button, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { api, errorMessage } from '../api';
import { ErrorView, Loading, SubPage, copyText, useLoad } from '../components';
import { useI18n } from '../i18n';

/** The poster PNG needs the bearer token, so it is fetched as a blob and shown via an object URL. */
function usePoster(productId: number | undefined) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let objectUrl: string | null = null;
    setLoading(true);
    setError(null);
    api.poster(productId).then(
      (blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setUrl(null);
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [productId, tick]);
  return { url, error, loading, reload: () => setTick((n) => n + 1) };
}

export function InvitePage() {
  const { t } = useI18n();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('productId'));
  const productId = Number.isSafeInteger(raw) && raw > 0 ? raw : undefined;
  const link = useLoad(() => api.shareLink(productId), [productId]);
  const products = useLoad(() => api.products({ limit: 50 }), []);
  const poster = usePoster(productId);
  const posterRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (location.hash === '#poster') posterRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [location.hash]);

  const copy = async (text: string) => {
    Toast.show({ content: (await copyText(text)) ? t('common.copied') : t('common.copyFailed') });
  };

  const pick = (id: number | undefined) => setParams(id ? { productId: String(id) } : {}, { replace: true });

  return (
    <SubPage title={t('invite.title')} back="/centre" testId="invite-page">
      <div className="invite-hero">
        <div className="invite-hero-text">{t('invite.steps')}</div>
      </div>
      {link.loading && !link.data ? (
        <Loading />
      ) : link.error || !link.data ? (
        <ErrorView error={link.error} onRetry={link.reload} />
      ) : (
        <div className="card invite-card">
          <div className="card-title">{t('invite.myCode')}</div>
          <div className="invite-code-row">
            <span className="invite-code" data-testid="invite-code">
              {link.data.inviteCode}
            </span>
            <Button size="small" shape="rounded" onClick={() => void copy(link.data!.inviteCode)} data-testid="copy-code">
              {t('invite.copyCode')}
            </Button>
          </div>
          <div className="card-title">{t('invite.myLink')}</div>
          <div className="invite-link" data-testid="invite-link" data-url={link.data.url} data-path={link.data.path}>
            {link.data.url}
          </div>
          <Button block color="primary" shape="rounded" onClick={() => void copy(link.data!.url)} data-testid="copy-link">
            {t('invite.copyLink')}
          </Button>
        </div>
      )}

      <div className="card poster-card" id="poster" ref={posterRef}>
        <div className="card-title">{t('invite.poster')}</div>
        <div className="chips poster-products" data-testid="poster-products">
          <button type="button" className={`chip ${productId === undefined ? 'active' : ''}`} onClick={() => pick(undefined)} data-testid="poster-product" data-product-id="">
            {t('invite.shopPoster')}
          </button>
          {(products.data?.items ?? []).map((p) => (
            <button type="button" key={p.id} className={`chip ${productId === p.id ? 'active' : ''}`} onClick={() => pick(p.id)} data-testid="poster-product" data-product-id={p.id}>
              {p.title}
            </button>
          ))}
        </div>
        <div className="poster-frame">
          {poster.loading ? (
            <Loading text={t('invite.posterLoading')} />
          ) : poster.error ? (
            <ErrorView error={poster.error} onRetry={poster.reload} />
          ) : poster.url ? (
            <img className="poster-image" src={poster.url} alt={t('invite.poster')} data-testid="poster-image" />
          ) : null}
        </div>
        <div className="poster-hint" data-testid="poster-hint">
          {t('invite.posterHint')}
        </div>
        {poster.url && (
          <a className="adm-button adm-button-default adm-button-block adm-button-shape-rounded poster-save" href={poster.url} download={`poster-${productId ?? 'shop'}.png`} data-testid="poster-save">
            {t('invite.saveImage')}
          </a>
        )}
      </div>
    </SubPage>
  );
}
