// 收货地址: the buyer's address book, kept on the server (every device sees it): pick one for this
// order, add, edit, make default, delete. An address this device remembered from before the book is
// moved into it once. The form picks province / city / district by GB/T 2260 code.
import { Dialog } from 'antd-mobile';
import { useEffect, useState } from 'react';
import type { ShippingAddress } from '../../shared/address';
import { request } from './api';
import { TextField } from './components';
import { useI18n } from './i18n';

export interface SavedAddress extends ShippingAddress {
  id: number;
  isDefault: boolean;
}

type AreaList = { province_list: Record<string, string>; city_list: Record<string, string>; county_list: Record<string, string> };

/** what this device kept before the book (moved into the book once, then forgotten) */
const LEGACY_KEY = 'fx_address';

export const addressBook = {
  list: () => request<{ items: SavedAddress[] }>('/api/me/addresses').then((r) => r.items),
  add: (a: ShippingAddress & { isDefault?: boolean }) => request<SavedAddress>('/api/me/addresses', { method: 'POST', body: a }),
  update: (id: number, a: ShippingAddress & { isDefault?: boolean }) => request<SavedAddress>(`/api/me/addresses/${id}`, { method: 'PUT', body: a }),
  remove: (id: number) => request<void>(`/api/me/addresses/${id}`, { method: 'DELETE' }),
};

/** The book, with what this device remembered moved into it first; the default (or first) address. */
export async function loadBook(): Promise<SavedAddress[]> {
  let items = await addressBook.list();
  let legacy: ShippingAddress | null = null;
  try {
    const raw = localStorage.getItem(LEGACY_KEY);
    legacy = raw ? (JSON.parse(raw) as ShippingAddress) : null;
  } catch {
    legacy = null;
  }
  if (legacy) {
    const known = items.some((a) => a.name === legacy!.name && a.phone === legacy!.phone && a.regionCode === legacy!.regionCode && a.detail === legacy!.detail);
    if (!known) await addressBook.add(legacy).catch(() => undefined);
    localStorage.removeItem(LEGACY_KEY);
    items = await addressBook.list();
  }
  return items;
}

export const plainAddress = ({ name, phone, province, city, district, detail, regionCode }: ShippingAddress): ShippingAddress => ({ name, phone, province, city, district, detail, regionCode });

/** The book's list in the popup: tap to use one; edit; add. Empty, it opens the form at once. */
export function AddressBookPanel({ selectedId, onPick }: { selectedId: number | null; onPick: (a: SavedAddress) => void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<SavedAddress[] | null>(null);
  const [editing, setEditing] = useState<SavedAddress | 'new' | null>(null);
  const reload = () => addressBook.list().then(setItems, () => setItems([]));
  useEffect(() => void reload(), []);

  if (items === null) return <div className="muted small">{t('common.loading')}</div>;
  if (editing !== null || items.length === 0) {
    const current = editing === 'new' || editing === null ? null : editing;
    return (
      <AddressForm
        initial={current}
        first={items.length === 0}
        onSave={async (a, isDefault) => {
          const saved = current ? await addressBook.update(current.id, { ...a, isDefault }) : await addressBook.add({ ...a, isDefault });
          onPick(saved);
        }}
        onDelete={
          current
            ? async () => {
                if (!(await Dialog.confirm({ content: t('address.deleteConfirm') }))) return;
                await addressBook.remove(current.id);
                setEditing(null);
                await reload();
              }
            : undefined
        }
        onBack={items.length > 0 ? () => setEditing(null) : undefined}
      />
    );
  }
  return (
    <div className="address-book" data-testid="address-book">
      <div className="card-title">{t('delivery.addressTitle')}</div>
      {items.map((a) => (
        <div key={a.id} className={`address-book-item ${a.id === selectedId ? 'active' : ''}`} data-testid="address-book-item" data-address-id={a.id}>
          <button type="button" className="address-book-pick" onClick={() => onPick(a)} data-testid="address-book-pick">
            <div>
              <strong>{a.name}</strong> <span className="muted">{a.phone}</span>
              {a.isDefault && <span className="tag address-default" data-testid="address-default">{t('address.default')}</span>}
            </div>
            <div className="muted small">
              {a.province} {a.city} {a.district} {a.detail}
            </div>
          </button>
          <button type="button" className="link-button small" onClick={() => setEditing(a)} data-testid="address-book-edit">
            {t('address.edit')}
          </button>
        </div>
      ))}
      <button type="button" className="btn-buy address-save" onClick={() => setEditing('new')} disabled={items.length >= 20} data-testid="address-book-add">
        {t('address.add')}
      </button>
    </div>
  );
}

function AddressForm({ initial, first, onSave, onDelete, onBack }: { initial: SavedAddress | null; first: boolean; onSave: (a: ShippingAddress, isDefault: boolean) => Promise<void>; onDelete?: () => Promise<void>; onBack?: () => void }) {
  const { t } = useI18n();
  const [areas, setAreas] = useState<AreaList | null>(null);
  const [name, setName] = useState(initial?.name ?? '');
  const [phone, setPhone] = useState(initial?.phone ?? '');
  const [provinceCode, setProvinceCode] = useState(initial ? `${initial.regionCode.slice(0, 2)}0000` : '');
  const [cityCode, setCityCode] = useState(initial ? `${initial.regionCode.slice(0, 4)}00` : '');
  const [districtCode, setDistrictCode] = useState(initial?.regionCode ?? '');
  const [detail, setDetail] = useState(initial?.detail ?? '');
  const [isDefault, setIsDefault] = useState(initial?.isDefault ?? first);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    // the division list (~160 kB) loads only when someone edits an address
    void import('@vant/area-data').then((m) => setAreas(m.areaList as AreaList));
  }, []);

  const under = (list: Record<string, string> | undefined, prefix: string) => Object.entries(list ?? {}).filter(([code]) => prefix !== '' && code.startsWith(prefix));
  const provinces = Object.entries(areas?.province_list ?? {});
  const cities = under(areas?.city_list, provinceCode.slice(0, 2));
  const districts = under(areas?.county_list, cityCode.slice(0, 4));

  const save = async () => {
    if (!name.trim()) return setError(t('delivery.nameRequired'));
    if (!/^1[3-9]\d{9}$/.test(phone)) return setError(t('delivery.phoneInvalid'));
    if (!areas || !areas.county_list[districtCode]) return setError(t('delivery.regionRequired'));
    if (!detail.trim()) return setError(t('delivery.detailRequired'));
    setSaving(true);
    try {
      await onSave({ name: name.trim(), phone, province: areas.province_list[provinceCode]!, city: areas.city_list[cityCode]!, district: areas.county_list[districtCode]!, detail: detail.trim(), regionCode: districtCode }, isDefault);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="address-form" data-testid="address-form">
      <div className="card-title">
        {onBack && (
          <button type="button" className="link-button" onClick={onBack} data-testid="address-back" aria-label={t('address.back')}>
            ‹
          </button>
        )}
        {t(initial ? 'address.editTitle' : 'delivery.addressTitle')}
      </div>
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
      <label className="address-default-toggle small">
        <input type="checkbox" checked={isDefault} disabled={first} onChange={(e) => setIsDefault(e.target.checked)} data-testid="address-is-default" /> {t('address.makeDefault')}
      </label>
      {error && <div className="form-error" data-testid="address-error">{error}</div>}
      <button type="button" className="btn-buy address-save" data-testid="address-save" disabled={saving} onClick={() => void save()}>
        {t('delivery.save')}
      </button>
      {onDelete && (
        <button type="button" className="link-button danger address-delete" onClick={() => void onDelete()} data-testid="address-delete">
          {t('address.delete')}
        </button>
      )}
    </div>
  );
}
