// The product page's 拼团 panel (productPanels): for a product in a running offer, the group price of
// the chosen SKU, N, "发起拼团" (checkout with the campaign) and the open groups one may join.
import { Button } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import type { Product } from '../../../../shared/types';
import { Avatar, Price, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { TeamIcon } from '../../icons';
import { formatFen } from '../../../../shared/money';
import { groupBuysApi, groupCheckoutPath, type OpenGroup } from './api';
import { Countdown } from './parts';

export function GroupBuyPanel({ product, skuId }: { product: Product; skuId: number | null }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const offer = useLoad(async () => {
    const running = (await groupBuysApi.running(product.id)).items[0];
    return running ? groupBuysApi.offer(running.id) : null;
  }, [product.id]);
  const o = offer.data;
  if (!o) return null;
  const sku = o.skus.find((s) => s.skuId === skuId) ?? null;
  return (
    <div className="card" data-testid="group-buy-panel" data-offer-id={o.id}>
      <div className="card-title" style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span className="accent" style={{ display: 'flex' }}>
          <TeamIcon size={18} />
        </span>
        {t('groupBuy.panel.title', { n: o.groupSize })}
      </div>
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 10 }}>
        <div>
          <Price fen={sku ? sku.groupPriceFen : o.minGroupPriceFen} testId="group-buy-price" />
          {sku && <s className="muted small" style={{ marginLeft: 6 }}>{formatFen(sku.priceFen)}</s>}
          <div className="muted small">{sku ? t('groupBuy.panel.rule', { n: o.groupSize, hours: o.timeLimitHours }) : t('groupBuy.panel.skuNotIn')}</div>
        </div>
        <Button color="danger" shape="rounded" size="small" style={{ flex: 'none', whiteSpace: 'nowrap' }} disabled={!sku} onClick={() => { if (sku) navigate(groupCheckoutPath(sku.skuId, o.id)); }} data-testid="group-buy-open">
          {t('groupBuy.panel.open')}
        </Button>
      </div>
      {o.openGroups.length > 0 && (
        <div style={{ marginTop: 10 }} data-testid="group-buy-open-groups">
          <div className="muted small" style={{ marginBottom: 4 }}>{t('groupBuy.panel.joinable')}</div>
          {o.openGroups.slice(0, 3).map((g) => (
            <OpenGroupRow key={g.id} group={g} onJoin={() => navigate(`/group/${g.id}`)} />
          ))}
        </div>
      )}
    </div>
  );
}

function OpenGroupRow({ group, onJoin }: { group: OpenGroup; onJoin: () => void }) {
  const t = useFeatureT();
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '6px 0' }} data-testid={`open-group-${group.id}`}>
      <Avatar src={group.opener.avatarUrl} name={group.opener.nickname} size={32} />
      <div style={{ flex: 1, minWidth: 0 }}>
        <div className="small">{group.opener.nickname}</div>
        <div className="small">
          <span className="muted">{t('groupBuy.slotsLeft', { n: group.slotsLeft })}</span> <Countdown until={group.expiresAt} />
        </div>
      </div>
      <Button size="mini" color="danger" fill="outline" shape="rounded" onClick={onJoin} data-testid={`open-group-join-${group.id}`}>
        {t('groupBuy.panel.join')}
      </Button>
    </div>
  );
}
