import { api } from '../api';
import { Empty, ErrorView, LoadMore, Loading, SubPage, formatDateTime, usePaged } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import { formatFen } from '../../../shared/money';
import { useNotificationListener } from '../notifications';
import type { PromotionOrder } from '../../../shared/types';
import { statusLabelKey } from './Orders';

const STATES = ['pending', 'frozen', 'available', 'reversed', 'withdrawn'];

export function PromotionOrdersPage() {
  const { t } = useI18n();
  const orders = usePaged<PromotionOrder>((limit, offset) => api.promotionOrders({ limit, offset }).then((r) => r.items), []);
  useNotificationListener((n) => {
    if (n.kind.startsWith('commission.')) orders.reload();
  });

  return (
    <SubPage title={t('promo.title')} back="/centre" testId="promotion-orders-page">
      <div className="promo-list" data-testid="promotion-orders">
        {orders.loading && !orders.items.length ? (
          <Loading />
        ) : orders.error && !orders.items.length ? (
          <ErrorView error={orders.error} onRetry={orders.reload} />
        ) : orders.items.length === 0 ? (
          <Empty text={t('promo.empty')} />
        ) : (
          orders.items.map((o) => {
            const states = (o.states ?? '').split(',').map((s) => s.trim()).filter(Boolean);
            const net = o.amountFen - o.reversedFen;
            return (
              <div className="card promo-order" key={o.orderId} data-testid="promotion-order" data-order-no={o.orderNo}>
                <div className="order-card-head">
                  <span className="muted small">
                    {t('orders.orderNo')} {o.orderNo}
                  </span>
                  <span className={`order-status status-${o.orderStatus}`}>{t(statusLabelKey(o.orderStatus))}</span>
                </div>
                <div className="promo-body">
                  <div>
                    <div data-testid="promotion-buyer">{t('promo.buyer', { name: o.buyerNickname })}</div>
                    <div className="muted small">
                      {t('promo.orderAmount', { amount: formatFen(o.paidFen) })} · {formatDateTime(o.paidAt)}
                    </div>
                    <div className="promo-tags">
                      <span className={`level-tag level-${Math.min(o.level, 4)}`} data-testid="promotion-level">
                        {t('promo.level', { n: o.level })}
                      </span>
                      {o.held ? (
                        <span className="tag state-held" data-testid="promotion-state" data-state="held">
                          {t('earning.held')}
                        </span>
                      ) : (
                        states.map((s) => (
                          <span key={s} className={`tag state-${s}`} data-testid="promotion-state" data-state={s}>
                            {STATES.includes(s) ? t(`earning.${s}` as MessageKey) : s}
                          </span>
                        ))
                      )}
                    </div>
                    {o.held && (
                      <div className="muted tiny promo-held-note" data-testid="promotion-held-note">
                        {t('promo.heldNote')}
                      </div>
                    )}
                  </div>
                  <div className="promo-amount">
                    <div className="muted tiny">{t('promo.commission')}</div>
                    <div className="accent promo-amount-value" data-testid="promotion-amount" data-fen={o.amountFen} data-net-fen={net}>
                      {formatFen(net)}
                    </div>
                    {o.reversedFen > 0 && (
                      <div className="muted tiny" data-testid="promotion-reversed" data-fen={o.reversedFen}>
                        {t('promo.reversed', { amount: formatFen(o.reversedFen) })}
                      </div>
                    )}
                  </div>
                </div>
              </div>
            );
          })
        )}
        <LoadMore paged={orders} />
      </div>
    </SubPage>
  );
}
