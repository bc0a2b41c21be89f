import { Button, Result } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, payWithDevProvider } from '../api';
import { ErrorView, Loading, Price, SubPage, toastError, useLoad } from '../components';
import { useI18n } from '../i18n';

export function PayResultPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const navigate = useNavigate();
  const orderId = Number(id);
  const order = useLoad(() => api.order(orderId), [orderId]);
  const [paying, setPaying] = useState(false);

  const o = order.data;
  const paid = o && o.paidAt !== null && o.status !== 'pending_payment';
  return (
    <SubPage title={t('pay.title')} back="/orders" testId="pay-result-page">
      {order.loading && !o ? (
        <Loading />
      ) : order.error || !o ? (
        <ErrorView error={order.error} onRetry={order.reload} />
      ) : paid ? (
        <div className="card pay-result" data-testid="pay-success" data-order-id={o.id}>
          <Result status="success" title={t('pay.success')} description={t('pay.successSub')} />
          <div className="pay-result-amount">
            <div className="muted">{t('pay.amount')}</div>
            <Price fen={o.paidFen} size="lg" testId="pay-amount" />
          </div>
          <div className="amount-row">
            <span className="muted">{t('pay.orderNo')}</span>
            <span data-testid="pay-order-no">{o.orderNo}</span>
          </div>
          <div className="button-row">
            <Button shape="rounded" onClick={() => navigate(`/orders/${o.id}`)} data-testid="view-order">
              {t('pay.viewOrder')}
            </Button>
            <Button shape="rounded" color="primary" onClick={() => navigate('/')} data-testid="continue-shopping">
              {t('pay.continue')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="card pay-result" data-testid="pay-pending">
          <Result status="waiting" title={t('pay.pending')} />
          <div className="button-row">
            <Button shape="rounded" onClick={() => navigate(`/orders/${o.id}`)}>
              {t('pay.viewOrder')}
            </Button>
            {o.status === 'pending_payment' && (
              <Button
                shape="rounded"
                color="primary"
                loading={paying}
                data-testid="order-pay"
                onClick={async () => {
                  setPaying(true);
                  try {
                    await payWithDevProvider(o.id);
                    order.reload();
                  } catch (error) {
                    toastError(error);
                  } finally {
                    setPaying(false);
                  }
                }}
              >
                {t('pay.payNow')}
              </Button>
            )}
          </div>
        </div>
      )}
    </SubPage>
  );
}
