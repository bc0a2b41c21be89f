// After-sales on the buyer's order page: the request sheet (refund only, or return and refund once
// the goods were shipped; a reason from the list and the buyer's own words; lines and amounts), and
// each request with its state — for an approved return, where to send it and by when, the form for
// the return parcel's carrier and tracking number, and withdrawing while it is open; and the shop's
// deadline (商家逾期自动同意): by when a pending request is decided, or a returned parcel confirmed.
import { Button, Checkbox, Dialog, Popup, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { TextBox, TextField, formatDateTime, toastError, useLoad } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../shared/money';
import type { Order, RefundRequest } from '../../../shared/types';

type Kind = RefundRequest['kind'];
type ReasonCode = RefundRequest['reasonCode'];
const REASONS: ReasonCode[] = ['no_longer_needed', 'not_received', 'damaged', 'wrong_item', 'quality', 'not_as_described', 'other'];
/** a request in these still holds the order: one at a time */
export const OPEN_STATUSES: Array<RefundRequest['status']> = ['pending', 'awaiting_return', 'returning'];

export function RefundPopup({ order, visible, onClose, onDone }: { order: Order; visible: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const refundable = order.lines.filter((l) => l.paidFen - l.refundedFen > 0);
  const shipped = order.status === 'shipped' || order.status === 'completed';
  const [kind, setKind] = useState<Kind>('refund_only');
  const [reasonCode, setReasonCode] = useState<ReasonCode | null>(null);
  const [picked, setPicked] = useState<Record<number, boolean>>({});
  const [amounts, setAmounts] = useState<Record<number, string>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (!visible) return;
    setPicked(Object.fromEntries(refundable.map((l) => [l.id, refundable.length === 1])));
    setAmounts(Object.fromEntries(refundable.map((l) => [l.id, fenToYuanText(l.paidFen - l.refundedFen)])));
    setKind('refund_only');
    setReasonCode(null);
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visible, order.id]);

  const submit = async () => {
    setError(null);
    const lines: Array<{ lineId: number; amountFen: number }> = [];
    for (const l of refundable) {
      if (!picked[l.id]) continue;
      const fen = parseYuanToFen(amounts[l.id] ?? '');
      if (fen === null || fen <= 0 || fen > l.paidFen - l.refundedFen) {
        setError(t('refund.badAmount'));
        return;
      }
      lines.push({ lineId: l.id, amountFen: fen });
    }
    if (!lines.length) {
      setError(t('refund.pickLine'));
      return;
    }
    if (reason.trim().length < 2) {
      setError(t('refund.reasonShort'));
      return;
    }
    setSubmitting(true);
    try {
      await api.requestRefund(order.id, { kind, reasonCode: reasonCode ?? 'other', reason: reason.trim(), lines });
      Toast.show({ icon: 'success', content: <span data-testid="refund-submitted">{t('refund.submitted')}</span> });
      onDone();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  const pickReason = (code: ReasonCode) => {
    setReasonCode(code);
    // the reason text starts as the label; the buyer adds their own words
    if (!reason.trim() || REASONS.some((r) => t(`afterSales.reason.${r}` as MessageKey) === reason)) setReason(t(`afterSales.reason.${code}` as MessageKey));
  };

  return (
    <Popup visible={visible} onMaskClick={onClose} onClose={onClose} bodyClassName="sheet" showCloseButton>
      <div className="sheet-inner" data-testid="refund-popup">
        <div className="sheet-title">{t('refund.title')}</div>
        {shipped && (
          <div className="chips" data-testid="refund-kind">
            {(['refund_only', 'return_refund'] as const).map((k) => (
              <button type="button" key={k} className={`chip ${kind === k ? 'active' : ''}`} onClick={() => setKind(k)} data-testid={`refund-kind-${k}`}>
                {t(`afterSales.kind.${k}` as MessageKey)}
              </button>
            ))}
          </div>
        )}
        <div className="card-title">{t('refund.lines')}</div>
        {refundable.map((l) => (
          <div className="refund-line" key={l.id} data-testid="refund-line" data-line-id={l.id}>
            <Checkbox checked={!!picked[l.id]} onChange={(v) => setPicked((p) => ({ ...p, [l.id]: v }))} data-testid="refund-line-check">
              <span className="refund-line-title">{l.title}</span>
            </Checkbox>
            <div className="refund-line-amount">
              <span className="muted small">{t('refund.max', { amount: formatFen(l.paidFen - l.refundedFen) })}</span>
              <span className="yuan-input">
                ¥
                <TextField value={amounts[l.id] ?? ''} onChange={(v) => {
                    setError(null);
                    setAmounts((a) => ({ ...a, [l.id]: v }));
                  }} inputMode="decimal" ariaLabel={t('refund.amount')} testId="refund-amount" />
              </span>
            </div>
          </div>
        ))}
        <div className="card-title">{t('refund.reason')}</div>
        <div className="chips" data-testid="refund-reasons">
          {REASONS.map((code) => (
            <button type="button" key={code} className={`chip ${reasonCode === code ? 'active' : ''}`} onClick={() => pickReason(code)} data-testid={`refund-reason-${code}`}>
              {t(`afterSales.reason.${code}` as MessageKey)}
            </button>
          ))}
        </div>
        <TextBox value={reason} onChange={(v) => { setError(null); setReason(v); }} placeholder={t('refund.reasonPlaceholder')} maxLength={500} rows={3} testId="refund-reason" />
        {error && (
          <div className="form-error" data-testid="refund-error">
            {error}
          </div>
        )}
        <Button block color="primary" shape="rounded" loading={submitting} onClick={() => void submit()} data-testid="refund-submit">
          {t('refund.submit')}
        </Button>
      </div>
    </Popup>
  );
}

/** The return parcel: carrier from 快递100's list and the tracking number. */
function ReturnParcelForm({ request, onDone }: { request: RefundRequest; onDone: () => void }) {
  const { t, locale } = useI18n();
  const carriers = useLoad(() => api.carriers(), []);
  const [carrierCode, setCarrierCode] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!carrierCode || !/^[A-Za-z0-9-]{4,40}$/.test(trackingNo.trim())) {
      Toast.show({ content: t('afterSales.returnFormInvalid') });
      return;
    }
    setBusy(true);
    try {
      await api.shipReturn(request.id, { carrierCode, trackingNo: trackingNo.trim() });
      Toast.show({ icon: 'success', content: t('afterSales.returnSent') });
      onDone();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="return-form" data-testid="return-form">
      <select className="select" value={carrierCode} onChange={(e) => setCarrierCode(e.target.value)} aria-label={t('afterSales.carrier')} data-testid="return-carrier">
        <option value="">{t('afterSales.carrier')}</option>
        {(carriers.data?.items ?? []).map((c) => (
          <option key={c.code} value={c.code}>
            {locale === 'zh' ? c.zh : c.en}
          </option>
        ))}
      </select>
      <TextField value={trackingNo} onChange={setTrackingNo} ariaLabel={t('afterSales.trackingNo')} placeholder={t('afterSales.trackingNo')} testId="return-tracking-no" />
      <Button size="small" shape="rounded" color="primary" loading={busy} onClick={() => void submit()} data-testid="return-submit">
        {t('afterSales.sendReturn')}
      </Button>
    </div>
  );
}

export function AfterSalesCard({ requests, onChanged }: { requests: RefundRequest[]; onChanged: () => void }) {
  const { t } = useI18n();
  if (requests.length === 0) return null;
  const cancel = async (id: number) => {
    if (!(await Dialog.confirm({ content: t('afterSales.cancelConfirm') }))) return;
    try {
      await api.cancelRefundRequest(id);
      onChanged();
    } catch (error) {
      toastError(error);
    }
  };
  return (
    <div className="card" data-testid="refund-requests">
      <div className="card-title">{t('orders.refundRequests')}</div>
      {requests.map((q) => (
        <div className="after-sales" key={q.id} data-testid="refund-request" data-status={q.status} data-kind={q.kind}>
          <div className="amount-row">
            <span>
              {t(`afterSales.kind.${q.kind}` as MessageKey)} · {formatFen(q.lines.reduce((n, l) => n + l.amountFen, 0) + q.shippingFen)}
              <span className="muted small"> {q.reason}</span>
            </span>
            <span className={`tag tag-${q.status}`}>{t(`refundReq.${q.status}` as MessageKey)}</span>
          </div>
          {q.status === 'pending' && q.reviewDueAt && (
            <div className="muted small" data-testid="review-due">
              {t('afterSales.reviewDue', { at: formatDateTime(q.reviewDueAt) })}
            </div>
          )}
          {q.status === 'returning' && q.receiveDueAt && (
            <div className="muted small" data-testid="receive-due">
              {t('afterSales.receiveDue', { at: formatDateTime(q.receiveDueAt) })}
            </div>
          )}
          {q.status === 'awaiting_return' && q.returnAddress && (
            <div className="muted small" data-testid="return-address">
              {t('afterSales.returnTo', { name: q.returnAddress.name, phone: q.returnAddress.phone, address: q.returnAddress.address })}
              <br />
              {t('afterSales.returnBy', { at: formatDateTime(q.returnDueAt) })}
            </div>
          )}
          {q.status === 'awaiting_return' && <ReturnParcelForm request={q} onDone={onChanged} />}
          {q.returnTrackingNo && (
            <div className="muted small" data-testid="return-parcel">
              {t('afterSales.returnParcel', { carrier: q.returnCarrierName ?? '', no: q.returnTrackingNo })}
            </div>
          )}
          {q.reviewReason && <div className="muted small">{t('afterSales.reviewReason', { reason: q.reviewReason })}</div>}
          {OPEN_STATUSES.includes(q.status) && !q.receivedAt && (q.status !== 'pending' || !q.reviewedAt) && (
            <a className="small" onClick={() => void cancel(q.id)} data-testid="refund-request-cancel">
              {t('afterSales.cancel')}
            </a>
          )}
        </div>
      ))}
    </div>
  );
}
