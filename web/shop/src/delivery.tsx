// How an order reaches the buyer: express to an address (province / city / district by GB/T 2260
// code, which also decides the regional agent), or pickup at a store (no shipping fee, a code to
// show at the counter). Addresses come from the buyer's address book on the server (address-book.tsx):
// checkout starts with the default one.
import { Popup } from 'antd-mobile';
import { useEffect, useState } from 'react';
import type { ShippingAddress } from '../../shared/address';
import { AddressBookPanel, loadBook, plainAddress } from './address-book';
import { request } from './api';
import { useLoad } from './components';
import { useI18n } from './i18n';


export type DeliveryChoice = { mode: 'express'; address: (ShippingAddress & { id?: number }) | null } | { mode: 'pickup'; storeId: number | null };

interface NearbyStore {
  id: number;
  name: string;
  address: string;
  openingHours: string;
  distanceM: number;
}

export function useDelivery() {
  const [choice, setChoice] = useState<DeliveryChoice>({ mode: 'express', address: null });
  const [fallback, setFallback] = useState<(ShippingAddress & { id?: number }) | null>(null);
  // the book's default address, once it is known (a choice made meanwhile stays)
  useEffect(() => {
    let live = true;
    loadBook().then(
      (items) => {
        const first = items.find((a) => a.isDefault) ?? items[0] ?? null;
        if (!live || !first) return;
        setFallback(first);
        setChoice((c) => (c.mode === 'express' && c.address === null ? { mode: 'express', address: first } : c));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const ready = choice.mode === 'express' ? choice.address !== null : choice.storeId !== null;
  const body = choice.mode === 'express' ? (choice.address ? { shippingAddress: plainAddress(choice.address) } : {}) : choice.storeId ? { pickupStoreId: choice.storeId } : {};
  return { choice, setChoice, ready, body, fallback, pickupStoreId: choice.mode === 'pickup' ? (choice.storeId ?? undefined) : undefined };
}

/** The buyer's position if the browser gives it within 3 s; else null (stores are then listed without distances). */
function position(): Promise<{ lat: number; lng: number } | null> {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    const timer = setTimeout(() => resolve(null), 3_000);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer);
        resolve({ lat: p.coords.latitude, lng: p.coords.longitude });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { timeout: 3_000, maximumAge: 600_000 },
    );
  });
}

export function DeliveryCard({ delivery }: { delivery: ReturnType<typeof useDelivery> }) {
  const { t } = useI18n();
  const { choice, setChoice } = delivery;
  const [editing, setEditing] = useState(false);
  const [located, setLocated] = useState<boolean | null>(null);
  const stores = useLoad(async () => {
    if (choice.mode !== 'pickup') return null;
    const here = await position();
    setLocated(here !== null);
    const at = here ?? { lat: 0, lng: 0 };
    return (await request<{ items: NearbyStore[] }>(`/api/stores/nearby?lat=${at.lat}&lng=${at.lng}&limit=20`)).items;
  }, [choice.mode]);

  return (
    <div className="card delivery-card" data-testid="delivery-card">
      <div className="delivery-modes" role="tablist">
        {(['express', 'pickup'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            role="tab"
            aria-selected={choice.mode === mode}
            className={`delivery-mode ${choice.mode === mode ? 'active' : ''}`}
            data-testid={`delivery-${mode}`}
            onClick={() => setChoice(mode === 'express' ? { mode, address: delivery.fallback } : { mode, storeId: null })}
          >
            {t(mode === 'express' ? 'delivery.express' : 'delivery.pickup')}
          </button>
        ))}
      </div>
      {choice.mode === 'express' ? (
        <div className="delivery-address" data-testid="delivery-address" onClick={() => setEditing(true)}>
          {choice.address ? (
            <>
              <div>
                <strong>{choice.address.name}</strong> <span className="muted">{choice.address.phone}</span>
              </div>
              <div className="muted small">
                {choice.address.province} {choice.address.city} {choice.address.district} {choice.address.detail}
              </div>
            </>
          ) : (
            <span className="accent">{t('delivery.addAddress')}</span>
          )}
          <span className="delivery-arrow">›</span>
        </div>
      ) : stores.loading && !stores.data ? (
        <div className="muted small delivery-stores">{t('common.loading')}</div>
      ) : (stores.data ?? []).length === 0 ? (
        <div className="muted small delivery-stores" data-testid="delivery-no-stores">{t('delivery.noStores')}</div>
      ) : (
        <div className="delivery-stores" data-testid="delivery-stores">
          {(stores.data ?? []).map((store) => (
            <label key={store.id} className={`delivery-store ${choice.storeId === store.id ? 'active' : ''}`} data-testid={`delivery-store-${store.id}`}>
              <input type="radio" name="pickup-store" checked={choice.storeId === store.id} onChange={() => setChoice({ mode: 'pickup', storeId: store.id })} />
              <span>
                <strong>{store.name}</strong>
                {located && <span className="muted small"> · {store.distanceM >= 1000 ? `${(store.distanceM / 1000).toFixed(1)} km` : `${store.distanceM} m`}</span>}
                <div className="muted small">{store.address}</div>
                <div className="muted small">{t('delivery.hours', { hours: store.openingHours })}</div>
              </span>
            </label>
          ))}
        </div>
      )}
      <Popup visible={editing} onMaskClick={() => setEditing(false)} bodyStyle={{ borderTopLeftRadius: 12, borderTopRightRadius: 12, padding: 16, maxHeight: '85vh', overflowY: 'auto' }}>
        {editing && (
          <AddressBookPanel
            selectedId={choice.mode === 'express' ? (choice.address?.id ?? null) : null}
            onPick={(address) => {
              setChoice({ mode: 'express', address });
              setEditing(false);
            }}
          />
        )}
      </Popup>
    </div>
  );
}
