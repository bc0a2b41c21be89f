// The order's delivery: each parcel with its carrier, tracking number (copyable) and the tracking
// provider's updates, newest first; when the order completes by itself, and the buyer's one
// extension (延长收货).
import { Button, Dialog, Toast } from 'antd-mobile';
import { useState } from 'react';
import { api } from '../api';
import { copyText, formatDateTime, toastError } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import type { Order, Parcel } from '../../../shared/types';

/** the updates shown before 查看全部 */
const FIRST_EVENTS = 2;

function ParcelCard({ parcel, n, many }: { parcel: Parcel; n: number; many: boolean }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const events = all ? parcel.events : parcel.events.slice(0, FIRST_EVENTS);
  const copy = async () => {
    if (await copyText(parcel.trackingNo)) Toast.show({ content: t('parcels.copied') });
  };
  return (
    <div className="parcel" data-testid="order-parcel" data-tracking-no={parcel.trackingNo} data-state={parcel.trackingState ?? 'none'}>
      <div className="amount-row">
        <span>
          {many && <span className="muted small">{t('parcels.parcel', { n })} · </span>}
          <b>{parcel.carrierName}</b> <span data-testid="parcel-tracking-no">{parcel.trackingNo}</span>
        </span>
        <span>
          {parcel.trackingState && <span className="tag" data-testid="parcel-state">{t(`tracking.${parcel.trackingState}` as MessageKey)}</span>}{' '}
          <a onClick={() => void copy()} className="small">{t('parcels.copy')}</a>
        </span>
      </div>
      {parcel.events.length === 0 ? (
        <div className="muted small">{t('parcels.noTracking')}</div>
      ) : (
        <ol className="parcel-events" data-testid="parcel-events">
          {events.map((e, i) => (
            <li key={`${e.at}-${i}`} className={i === 0 ? 'parcel-event latest' : 'parcel-event'}>
              <div className="small">{e.text}</div>
              <div className="muted small">{formatDateTime(e.at)}</div>
            </li>
          ))}
        </ol>
      )}
      {parcel.events.length > FIRST_EVENTS && (
        <a className="small" onClick={() => setAll(!all)} data-testid="parcel-events-toggle">
          {all ? t('parcels.less') : t('parcels.more', { n: parcel.events.length })}
        </a>
      )}
    </div>
  );
}

export function OrderParcels({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  if (order.deliveryMethod === 'pickup' || !order.shippedAt) return null;
  const extend = async () => {
    if (!(await Dialog.confirm({ content: t('parcels.extendConfirm') }))) return;
    setBusy(true);
    try {
      await api.extendReceipt(order.id);
      Toast.show({ icon: 'success', content: t('parcels.extendDone') });
      onChanged();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };
  const waiting = order.status === 'shipped' && order.receiveDueAt;
  return (
    <div className="card" data-testid="order-parcels">
      <div className="card-title">
        {t('parcels.title')}
        {order.parcels.length > 1 && <span className="muted small"> · {t('parcels.count', { n: order.parcels.length })}</span>}
      </div>
      {order.parcels.length === 0 && <div className="muted small">{t('parcels.noParcel')}</div>}
      {order.parcels.map((p, i) => (
        <ParcelCard key={p.id} parcel={p} n={i + 1} many={order.parcels.length > 1} />
      ))}
      {waiting && (
        <div className="amount-row" data-testid="order-receive-due">
          <span className="muted small">{t('parcels.autoReceive', { at: formatDateTime(order.receiveDueAt) })}</span>
          {order.receiveExtendedAt ? (
            <span className="muted small" data-testid="order-receipt-extended">{t('parcels.extended')}</span>
          ) : (
            <Button size="mini" shape="rounded" loading={busy} onClick={() => void extend()} data-testid="order-extend-receipt">
              {t('parcels.extend')}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
