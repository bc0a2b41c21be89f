import { Button, Dialog, Tabs, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { Empty, ErrorView, LoadMore, Loading, Price, SubPage, formatDateTime, toastError, usePaged } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import type { OrderStatus, OrderSummary } from '../../../shared/types';
import { startPay } from '../pay/start';

const TABS = ['all', 'pending_payment', 'paid', 'shipped', 'completed', 'refunded'] as const;

export function statusLabelKey(status: OrderStatus): MessageKey {
  return `status.${status}` as MessageKey;
}

/** Cancel, pay and confirm receipt, each with its confirmation and its result message. */
export function useOrderActions(onDone: () => void) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<number | null>(null);
  const run = async (id: number, action: () => Promise<unknown>, done?: string) => {
    setBusy(id);
    try {
      await action();
      if (done) Toast.show({ icon: 'success', content: done });
      onDone();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(null);
    }
  };
  return {
    busy,
    cancel: async (id: number) => {
      if (await Dialog.confirm({ content: t('orders.cancelConfirm') })) await run(id, () => api.cancelOrder(id), t('orders.cancelled'));
    },
    confirmReceipt: async (id: number) => {
      if (await Dialog.confirm({ content: t('orders.confirmReceiptConfirm') })) await run(id, () => api.confirmReceipt(id), t('orders.received'));
    },
    pay: async (id: number) => {
      setBusy(id);
      try {
        await startPay(id, navigate);
      } catch (error) {
        toastError(error);
        onDone();
      } finally {
        setBusy(null);
      }
    },
  };
}

function OrderCard({ order, actions }: { order: OrderSummary; actions: ReturnType<typeof useOrderActions> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const busy = actions.busy === order.id;
  return (
    <div className="card order-card" data-testid="order-card" data-order-id={order.id} data-status={order.status} onClick={() => navigate(`/orders/${order.id}`)}>
      <div className="order-card-head">
        <span className="muted small">
          {t('orders.orderNo')} {order.orderNo}
        </span>
        {order.campaign && (
          <span className="product-card-tag" data-testid="order-campaign" data-kind={order.campaign.kind}>
            {t(`orders.campaign.${order.campaign.kind}`)}
          </span>
        )}
        <span className={`order-status status-${order.status}`} data-testid="order-status">
          {t(statusLabelKey(order.status))}
        </span>
      </div>
      <div className="order-card-summary">{order.summary}</div>
      <div className="order-card-amount">
        <span className="muted small">{formatDateTime(order.createdAt)}</span>
        <span>
          {order.paidAt ? t('orders.paid') : t('orders.payable')} <Price fen={order.paidAt ? order.paidFen : order.payableFen} size="sm" />
        </span>
      </div>
      {order.refundedFen > 0 && (
        <div className="order-card-refunded small">
          {t('orders.refunded')} <Price fen={order.refundedFen} size="sm" />
        </div>
      )}
      <div className="order-card-actions" onClick={(e) => e.stopPropagation()}>
        {order.status === 'pending_payment' && (
          <>
            <Button size="small" shape="rounded" disabled={busy} onClick={() => void actions.cancel(order.id)} data-testid="order-cancel">
              {t('orders.cancel')}
            </Button>
            <Button size="small" shape="rounded" color="primary" loading={busy} onClick={() => void actions.pay(order.id)} data-testid="order-pay">
              {t('orders.pay')}
            </Button>
          </>
        )}
        {order.status === 'shipped' && (
          <Button size="small" shape="rounded" color="primary" loading={busy} onClick={() => void actions.confirmReceipt(order.id)} data-testid="order-confirm-receipt">
            {t('orders.confirmReceipt')}
          </Button>
        )}
        <Button size="small" shape="rounded" fill="outline" onClick={() => navigate(`/orders/${order.id}`)} data-testid="order-detail">
          {t('orders.detail')}
        </Button>
      </div>
    </div>
  );
}

export function OrdersPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as (typeof TABS)[number]) : 'all';
  const orders = usePaged<OrderSummary>((limit, offset) => api.orders({ limit, offset, status: tab === 'all' ? undefined : tab }).then((r) => r.items), [tab]);
  const actions = useOrderActions(orders.reload);

  return (
    <SubPage title={t('orders.title')} back="/me" testId="orders-page">
      <Tabs activeKey={tab} onChange={(key) => setParams(key === 'all' ? {} : { status: key }, { replace: true })} className="sticky-tabs">
        {TABS.map((s) => (
          <Tabs.Tab key={s} title={t(`orders.tab.${s}` as MessageKey)} />
        ))}
      </Tabs>
      <div className="order-list" data-testid="order-list">
        {orders.loading && !orders.items.length ? (
          <Loading />
        ) : orders.error && !orders.items.length ? (
          <ErrorView error={orders.error} onRetry={orders.reload} />
        ) : orders.items.length === 0 ? (
          <Empty text={t('orders.empty')} />
        ) : (
          orders.items.map((o) => <OrderCard key={o.id} order={o} actions={actions} />)
        )}
        <LoadMore paged={orders} />
      </div>
    </SubPage>
  );
}
