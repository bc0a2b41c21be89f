// How an order reaches the buyer: express to an address (province / city / district by GB/T 2260
// code, which also decides the regional agent), or pickup at a store (no shipping fee, a code to
// show at the counter). The last address is remembered on this device.
import { Popup } from 'antd-mobile';
import { useEffect, useState } from 'react';
import type { ShippingAddress } from '../../shared/address';
import { request } from './api';
import { TextField, useLoad } from './components';
import { useI18n } from './i18n';


export type DeliveryChoice = { mode: 'express'; address: ShippingAddress | null } | { mode: 'pickup'; storeId: number | null };

interface NearbyStore {
  id: number;
  name: string;
  address: string;
  openingHours: string;
  distanceM: number;
}

type AreaList = { province_list: Record<string, string>; city_list: Record<string, string>; county_list: Record<string, string> };

const ADDRESS_KEY = 'fx_address';

function savedAddress(): ShippingAddress | null {
  try {
    const raw = localStorage.getItem(ADDRESS_KEY);
    return raw ? (JSON.parse(raw) as ShippingAddress) : null;
  } catch {
    return null;
  }
}

export function useDelivery() {
  const [choice, setChoice] = useState<DeliveryChoice>(() => ({ mode: 'express', address: savedAddress() }));
  const ready = choice.mode === 'express' ? choice.address !== null : choice.storeId !== null;
  const body = choice.mode === 'express' ? (choice.address ? { shippingAddress: choice.address } : {}) : choice.storeId ? { pickupStoreId: choice.storeId } : {};
  return { choice, setChoice, ready, body, pickupStoreId: choice.mode === 'pickup' ? (choice.storeId ?? undefined) : undefined };
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
            onClick={() => setChoice(mode === 'express' ? { mode, address: savedAddress() } : { mode, storeId: null })}
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
          <AddressForm
            initial={choice.mode === 'express' ? choice.address : null}
            onSave={(address) => {
              try {
                localStorage.setItem(ADDRESS_KEY, JSON.stringify(address));
              } catch {
                /* storage unavailable: kept for this order only */
              }
              setChoice({ mode: 'express', address });
              setEditing(false);
            }}
          />
        )}
      </Popup>
    </div>
  );
}

function AddressForm({ initial, onSave }: { initial: ShippingAddress | null; onSave: (a: ShippingAddress) => void }) {
  const { t } = useI18n();
  const [areas, setAreas] = useState<AreaList | null>(null);
  const [name, setName] = useState(initial?.name ?? '');
  const [phone, setPhone] = useState(initial?.phone ?? '');
  const [provinceCode, setProvinceCode] = useState(initial ? `${initial.regionCode.slice(0, 2)}0000` : '');
  const [cityCode, setCityCode] = useState(initial ? `${initial.regionCode.slice(0, 4)}00` : '');
  const [districtCode, setDistrictCode] = useState(initial?.regionCode ?? '');
  const [detail, setDetail] = useState(initial?.detail ?? '');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // the division list (~160 kB) loads only when someone edits an address
    void import('@vant/area-data').then((m) => setAreas(m.areaList as AreaList));
  }, []);

  const under = (list: Record<string, string> | undefined, prefix: string) =>
    Object.entries(list ?? {}).filter(([code]) => prefix !== '' && code.startsWith(prefix));
  const provinces = Object.entries(areas?.province_list ?? {});
  const cities = under(areas?.city_list, provinceCode.slice(0, 2));
  const districts = under(areas?.county_list, cityCode.slice(0, 4));

  const save = () => {
    if (!name.trim()) return setError(t('delivery.nameRequired'));
    if (!/^1[3-9]\d{9}$/.test(phone)) return setError(t('delivery.phoneInvalid'));
    if (!areas || !areas.county_list[districtCode]) return setError(t('delivery.regionRequired'));
    if (!detail.trim()) return setError(t('delivery.detailRequired'));
    onSave({
      name: name.trim(),
      phone,
      province: areas.province_list[provinceCode],
      city: areas.city_list[cityCode],
      district: areas.county_list[districtCode],
      detail: detail.trim(),
      regionCode: districtCode,
    });
  };

  return (
    <div className="address-form" data-testid="address-form">
      <div className="card-title">{t('delivery.addressTitle')}</div>
      <TextField value={name} onChange={setName} placeholder={t('delivery.name')} maxLength={30} testId="address-name" autoComplete="name" />
      <TextField value={phone} onChange={setPhone} placeholder={t('delivery.phone')} type="tel" inputMode="tel" maxLength={11} testId="address-phone" autoComplete="tel" />
      <div className="address-regions">
        <select value={provinceCode} onChange={(e) => { setProvinceCode(e.target.value); setCityCode(''); setDistrictCode(''); }} data-testid="address-province" aria-label={t('delivery.province')}>
          <option value="">{t('delivery.province')}</option>
          {provinces.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
        </select>
        <select value={cityCode} onChange={(e) => { setCityCode(e.target.value); setDistrictCode(''); }} data-testid="address-city" aria-label={t('delivery.city')} disabled={!provinceCode}>
          <option value="">{t('delivery.city')}</option>
          {cities.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
        </select>
        <select value={districtCode} onChange={(e) => setDistrictCode(e.target.value)} data-testid="address-district" aria-label={t('delivery.district')} disabled={!cityCode}>
          <option value="">{t('delivery.district')}</option>
          {districts.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
        </select>
      </div>
      <TextField value={detail} onChange={setDetail} placeholder={t('delivery.detail')} maxLength={120} testId="address-detail" autoComplete="street-address" />
      {error && <div className="form-error" data-testid="address-error">{error}</div>}
      <button type="button" className="btn-buy address-save" data-testid="address-save" onClick={save}>
        {t('delivery.save')}
      </button>
    </div>
  );
}
