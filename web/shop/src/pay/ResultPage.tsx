// /pay/result?order=ID — where every payment method ends (cashiers send the buyer back here; JSAPI and
// the dev provider navigate here; Native waits here with its QR). What it shows comes from payment-check,
// which asks the provider: 支付成功 only once the server verified it, never from the redirect's parameters.
import { Button, Result } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../api';
import { ErrorView, Loading, Price, SubPage, toastError } from '../components';
import { useI18n } from '../i18n';
import { NativeQrPanel } from './NativeQr';
import { resultPath, startPay, type QrState } from './start';
import { useVerifiedPayment } from './useVerifiedPayment';

/** a returning buyer is asked about for a minute; a QR on screen for as long as it is likely to be scanned */
const RETURN_LIMIT_MS = 60_000;
const QR_LIMIT_MS = 10 * 60_000;

export function PayResultPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const { id } = useParams();
  const [params] = useSearchParams();
  const orderId = Number(id ?? params.get('order'));
  const qr = (location.state as { qr?: QrState } | null)?.qr;
  const v = useVerifiedPayment(orderId, qr ? QR_LIMIT_MS : RETURN_LIMIT_MS);
  const [paying, setPaying] = useState(false);

  // a cashier's return parameters (Alipay's signed query) are not what this page goes by: drop them
  useEffect(() => {
    if (!id && [...params.keys()].some((k) => k !== 'order')) navigate(resultPath(orderId), { replace: true, state: location.state });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const o = v.order;
  const status = v.check?.status ?? o?.status;
  const payAgain = async () => {
    setPaying(true);
    try {
      await startPay(orderId, navigate, { replace: true });
    } catch (error) {
      toastError(error);
    } finally {
      setPaying(false);
    }
  };
  const viewOrder = (
    <Button shape="rounded" onClick={() => navigate(`/orders/${orderId}`)} data-testid="view-order">
      {t('pay.viewOrder')}
    </Button>
  );

  let body;
  if (!Number.isSafeInteger(orderId) || orderId <= 0) body = <ErrorView error={t('payFlow.noOrder')} />;
  else if (v.phase === 'paid' && o) {
    body = (
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
          {viewOrder}
          <Button shape="rounded" color="primary" onClick={() => navigate('/')} data-testid="continue-shopping">
            {t('pay.continue')}
          </Button>
        </div>
      </div>
    );
  } else if (v.phase === 'closed') {
    body = (
      <div className="card pay-result" data-testid="pay-closed">
        <Result status="info" title={t('payFlow.closed')} description={v.check?.paid ? t('payFlow.closedPaid') : undefined} />
        <div className="button-row">{viewOrder}</div>
      </div>
    );
  } else if (v.phase === 'checking') {
    body = (
      <>
        {qr && status === 'pending_payment' && <NativeQrPanel codeUrl={qr.codeUrl} amountFen={qr.amountFen} />}
        <div className="card pay-result" data-testid="pay-checking">
          <Result status="waiting" title={t('payFlow.checking')} description={qr ? t('payFlow.checkingQr') : t('payFlow.checkingSub')} />
          {!o && !v.error && <Loading />}
          <div className="button-row">{viewOrder}</div>
        </div>
      </>
    );
  } else {
    body = (
      <>
        {qr && status === 'pending_payment' && <NativeQrPanel codeUrl={qr.codeUrl} amountFen={qr.amountFen} />}
        <div className="card pay-result" data-testid="pay-pending" data-status={status ?? ''}>
          <Result status="waiting" title={t('payFlow.unpaid')} description={v.error ? errorMessage(v.error) : t('payFlow.unpaidSub')} />
          {o && status === 'pending_payment' && (
            <div className="pay-result-amount">
              <div className="muted">{t('orders.payable')}</div>
              <Price fen={o.payableFen} size="lg" />
            </div>
          )}
          <div className="button-row">
            <Button shape="rounded" onClick={v.recheck} data-testid="pay-recheck">
              {t('payFlow.recheck')}
            </Button>
            {viewOrder}
            {status === 'pending_payment' && (
              <Button shape="rounded" color="primary" loading={paying} onClick={() => void payAgain()} data-testid="order-pay">
                {t('pay.payNow')}
              </Button>
            )}
          </div>
        </div>
      </>
    );
  }
  return (
    <SubPage title={t('pay.title')} back="/orders" testId="pay-result-page">
      {body}
    </SubPage>
  );
}
