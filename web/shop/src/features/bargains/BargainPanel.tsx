// The product page's panel for a SKU with a running bargain offer: 发起砍价 最低 ¥x. Starting one opens
// its page; one already running (BARGAIN_ALREADY_STARTED) opens that one instead.
import { Button } from 'antd-mobile';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api';
import { loginPath, useAuth } from '../../auth';
import { toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Product } from '../../../../shared/types';
import { bargainsApi } from './api';
import { ScissorsIcon } from './parts';

export function BargainPanel({ product, skuId }: { product: Product; skuId: number | null }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const location = useLocation();
  const { token } = useAuth();
  const [busy, setBusy] = useState(false);
  const offers = useLoad(() => bargainsApi.running(product.id), [product.id]);
  const items = offers.data?.items ?? [];
  // the chosen SKU's offer, else the product's first (starting it bargains that SKU)
  const offer = items.find((o) => o.skuId === skuId) ?? (skuId === null ? items[0] : undefined);
  if (!offer) return null;

  const start = async () => {
    if (!token) {
      navigate(loginPath(location.pathname + location.search));
      return;
    }
    setBusy(true);
    try {
      const bargain = await bargainsApi.start(offer.id);
      navigate(`/bargain/${bargain.id}`);
    } catch (error) {
      const running = error instanceof ApiError && error.code === 'BARGAIN_ALREADY_STARTED' ? (error.extra.details as { bargainId?: number } | undefined)?.bargainId : undefined;
      if (running) navigate(`/bargain/${running}`);
      else toastError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="bargain-panel" data-offer-id={offer.id} style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
      <span className="accent" style={{ display: 'flex' }}>
        <ScissorsIcon />
      </span>
      <div style={{ flex: 1, minWidth: 0 }}>
        <div style={{ fontWeight: 600 }}>{t('bargain.panel.tag')}</div>
        <div className="muted small">{t('bargain.panel.text', { count: offer.helpersNeeded, amount: formatFen(offer.floorPriceFen) })}</div>
      </div>
      <Button size="small" color="danger" shape="rounded" loading={busy} onClick={() => void start()} data-testid="bargain-start">
        {t('bargain.panel.start', { amount: formatFen(offer.floorPriceFen) })}
      </Button>
    </div>
  );
}
