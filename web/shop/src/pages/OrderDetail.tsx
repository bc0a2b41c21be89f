import { Button, Checkbox, Popup, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, errorMessage } from '../api';
import { ErrorView, Loading, Price, ProductImage, SubPage, TextBox, TextField, formatDateTime, useLoad } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../shared/money';
import type { Order, RefundRequest } from '../../../shared/types';
import { AfterSalesCard, OPEN_STATUSES, RefundPopup } from './AfterSales';
import { OrderParcels } from './OrderParcels';
import { statusLabelKey, useOrderActions } from './Orders';

const REFUNDABLE = ['paid', 'shipped', 'completed'];

export function OrderDetailPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const orderId = Number(id);
  const order = useLoad(() => api.order(orderId), [orderId]);
  const requests = useLoad<RefundRequest[]>(
    () =>
      api.refundRequests().then(
        (r) => r.items.filter((q) => q.orderId === orderId),
        () => [],
      ),
    [orderId],
  );
  const actions = useOrderActions(() => {
    order.reload();
    requests.reload();
  });
  const [refundOpen, setRefundOpen] = useState(false);

  const o = order.data;
  if (order.loading && !o) {
    return (
      <SubPage title={t('orders.detail')}>
        <Loading />
      </SubPage>
    );
  }
  if (order.error || !o) {
    return (
      <SubPage title={t('orders.detail')}>
        <ErrorView error={order.error} onRetry={order.reload} />
      </SubPage>
    );
  }
  const openRequest = (requests.data ?? []).some((q) => OPEN_STATUSES.includes(q.status));
  const canRefund = REFUNDABLE.includes(o.status) && o.lines.some((l) => l.paidFen - l.refundedFen > 0);
  const busy = actions.busy === o.id;

  return (
    <SubPage title={t('orders.detail')} back="/orders" testId="order-detail-page">
      <div className={`status-banner status-${o.status}`} data-testid="order-detail-status" data-status={o.status}>
        <div className="status-banner-title">{t(statusLabelKey(o.status))}</div>
        <div className="status-banner-sub">{t(`statusHint.${o.status}` as MessageKey)}</div>
      </div>

      <OrderParcels order={o} onChanged={order.reload} />

      <div className="card">
        <div className="card-title">{t('orders.lines')}</div>
        {o.lines.map((l) => (
          <div className="checkout-line" key={l.id} data-testid="order-line" data-line-id={l.id}>
            <ProductImage src={null} title={l.title} seed={l.productId} className="checkout-line-image" />
            <div className="checkout-line-body">
              <div className="checkout-line-title">{l.title}</div>
              <div className="checkout-line-foot">
                <Price fen={l.unitPriceFen} size="sm" />
                <span className="muted">×{l.quantity}</span>
              </div>
              {l.refundedFen > 0 && (
                <div className="small accent">
                  {t('orders.refunded')} {formatFen(l.refundedFen)}
                </div>
              )}
            </div>
          </div>
        ))}
      </div>

      <div className="card amounts">
        <div className="card-title">{t('orders.amounts')}</div>
        <div className="amount-row">
          <span>{t('checkout.goods')}</span>
          <span>{formatFen(o.goodsFen)}</span>
        </div>
        {o.discountFen > 0 && (
          <div className="amount-row">
            <span>{t('checkout.discount')}</span>
            <span>-{formatFen(o.discountFen)}</span>
          </div>
        )}
        <div className="amount-row">
          <span>{t('checkout.shipping')}</span>
          <span>{o.shippingFen === 0 ? t('checkout.freeShipping') : formatFen(o.shippingFen)}</span>
        </div>
        <div className="amount-row total">
          <span>{o.paidAt ? t('orders.paid') : t('orders.payable')}</span>
          <Price fen={o.paidAt ? o.paidFen : o.payableFen} testId="order-detail-amount" />
        </div>
        {o.refundedFen > 0 && (
          <div className="amount-row">
            <span>{t('orders.refunded')}</span>
            <span className="accent" data-testid="order-refunded">
              {formatFen(o.refundedFen)}
            </span>
          </div>
        )}
      </div>

      <div className="card">
        <div className="amount-row">
          <span className="muted">{t('orders.orderNo')}</span>
          <span>
            {o.campaign && (
              <span className="product-card-tag" data-testid="order-campaign" data-kind={o.campaign.kind}>
                {t(`orders.campaign.${o.campaign.kind}`)}
              </span>
            )}{' '}
            <span data-testid="order-no">{o.orderNo}</span>
          </span>
        </div>
        <div className="amount-row">
          <span className="muted">{t('orders.createdAt')}</span>
          <span>{formatDateTime(o.createdAt)}</span>
        </div>
        {o.paidAt && (
          <div className="amount-row">
            <span className="muted">{t('orders.paidAt')}</span>
            <span>{formatDateTime(o.paidAt)}</span>
          </div>
        )}
      </div>

      <AfterSalesCard requests={requests.data ?? []} onChanged={() => { order.reload(); requests.reload(); }} />

      {o.refunds.length > 0 && (
        <div className="card" data-testid="refunds">
          <div className="card-title">{t('orders.refunds')}</div>
          {o.refunds.map((r) => (
            <div className="amount-row" key={r.id} data-testid="refund-row">
              <span>
                {formatFen(r.amountFen + r.shippingFen)} <span className="muted small">{r.reason}</span>
              </span>
              <span className="tag">{t(`refundStatus.${r.status}` as MessageKey)}</span>
            </div>
          ))}
        </div>
      )}

      <div className="action-bar detail-actions">
        {o.status === 'pending_payment' && (
          <>
            <Button shape="rounded" disabled={busy} onClick={() => void actions.cancel(o.id)} data-testid="order-cancel">
              {t('orders.cancel')}
            </Button>
            <Button shape="rounded" color="primary" loading={busy} onClick={() => void actions.pay(o.id)} data-testid="order-pay">
              {t('orders.pay')}
            </Button>
          </>
        )}
        {canRefund && (
          <Button shape="rounded" disabled={openRequest} onClick={() => setRefundOpen(true)} data-testid="refund-open">
            {openRequest ? t('afterSales.inProgress') : t('orders.refund')}
          </Button>
        )}
        {o.status === 'shipped' && (
          <Button shape="rounded" color="primary" loading={busy} onClick={() => void actions.confirmReceipt(o.id)} data-testid="order-confirm-receipt">
            {t('orders.confirmReceipt')}
          </Button>
        )}
      </div>
      {canRefund && <RefundPopup order={o} visible={refundOpen} onClose={() => setRefundOpen(false)} onDone={() => { order.reload(); requests.reload(); }} />}
    </SubPage>
  );
}
