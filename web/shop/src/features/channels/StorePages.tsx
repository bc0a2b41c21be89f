// Stores for customers: a store's page (its QR code opens it; "this is my store" binds the customer
// unless they already belong to a store), and "my store" with the nearest stores.
import { Button, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { getToken } from '../../api';
import { loginPath } from '../../auth';
import { ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { channelsApi, type MyStore, type Store } from './channelsApi';

function StoreCard({ store, testId }: { store: Pick<Store, 'name' | 'address' | 'openingHours' | 'phone'>; testId?: string }) {
  const t = useFeatureT();
  return (
    <div className="card" data-testid={testId}>
      <div style={{ fontSize: 17, fontWeight: 700 }}>{store.name}</div>
      <div className="muted small">{store.address}</div>
      <div className="muted small">{t('channels.store.hours', { hours: store.openingHours })}{store.phone ? ` · ${store.phone}` : ''}</div>
    </div>
  );
}

export function StorePage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const store = useLoad(() => channelsApi.store(id), [id]);
  const signedIn = !!getToken();
  const mine = useLoad(() => (signedIn ? channelsApi.myStore() : Promise.resolve(null)), [signedIn]);
  const [busy, setBusy] = useState(false);
  if (store.loading) return <SubPage title={t('channels.store.title')}><Loading /></SubPage>;
  if (store.error || !store.data) return <SubPage title={t('channels.store.title')}><ErrorView error={store.error} onRetry={store.reload} /></SubPage>;
  const bound = mine.data?.store ?? null;
  const bind = async () => {
    if (!signedIn) return navigate(loginPath(`/store/${id}`));
    setBusy(true);
    try {
      const r = await channelsApi.bind(id);
      Toast.show({ content: r.claimed ? t('channels.store.bound') : t('channels.store.alreadyBound') });
      mine.reload();
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SubPage title={t('channels.store.title')} testId="store-page">
      <StoreCard store={store.data} testId="store-card" />
      <div className="card">
        {bound ? (
          <div className="small" data-testid="store-binding">{bound.storeId === id ? t('channels.store.isMine') : t('channels.store.boundElsewhere', { name: bound.name })}</div>
        ) : (
          <Button block color="primary" loading={busy} onClick={bind} data-testid="store-bind">{t('channels.store.bind')}</Button>
        )}
        <div className="muted small" style={{ marginTop: 8 }}>{t('channels.store.bindHint')}</div>
      </div>
    </SubPage>
  );
}

/** city centres to measure from when the device gives no location */
const CITIES = [
  { key: 'beijing', lat: 39.9042, lng: 116.4074 },
  { key: 'shanghai', lat: 31.2304, lng: 121.4737 },
  { key: 'guangzhou', lat: 23.1291, lng: 113.2644 },
  { key: 'shenzhen', lat: 22.5431, lng: 114.0579 },
  { key: 'hangzhou', lat: 30.2741, lng: 120.1551 },
  { key: 'chengdu', lat: 30.5728, lng: 104.0668 },
] as const;
type CityKey = (typeof CITIES)[number]['key'];

export function MyStorePage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const mine = useLoad(() => channelsApi.myStore(), []);
  // where distances are measured from: the device's location, or a city the buyer picks when it is
  // denied or unavailable (never a silent default)
  const [position, setPosition] = useState<{ lat: number; lng: number; city?: CityKey } | null>(null);
  const [located, setLocated] = useState<'asking' | 'device' | 'denied'>('asking');
  useEffect(() => {
    if (!navigator.geolocation) return setLocated('denied');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPosition({ lat: p.coords.latitude, lng: p.coords.longitude });
        setLocated('device');
      },
      () => setLocated('denied'),
      { timeout: 3000 },
    );
  }, []);
  const nearby = useLoad(() => (position ? channelsApi.nearby(position.lat, position.lng) : Promise.resolve(null)), [position?.lat, position?.lng]);
  const store: MyStore | null = mine.data?.store ?? null;
  return (
    <SubPage title={t('channels.myStore.title')} testId="my-store-page">
      {mine.loading ? <Loading /> : mine.error ? <ErrorView error={mine.error} onRetry={mine.reload} /> : store ? <StoreCard store={store} testId="my-store-card" /> : <div className="card muted small" data-testid="my-store-none">{t('channels.myStore.none')}</div>}
      <div className="card">
        <div className="card-title">{t('channels.myStore.nearby')}</div>
        {located === 'device' && <div className="muted small" data-testid="nearby-basis" data-basis="device">{t('channels.myStore.fromDevice')}</div>}
        {located === 'denied' && (
          <div data-testid="nearby-city-picker">
            <div className="muted small" data-testid="nearby-basis" data-basis={position?.city ?? 'none'}>
              {position?.city ? t('channels.myStore.fromCity', { city: t(`channels.city.${position.city}`) }) : t('channels.myStore.noLocation')}
            </div>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, margin: '8px 0' }}>
              {CITIES.map((c) => (
                <Button key={c.key} size="mini" shape="rounded" color={position?.city === c.key ? 'primary' : 'default'} onClick={() => setPosition({ lat: c.lat, lng: c.lng, city: c.key })} data-testid={`nearby-city-${c.key}`}>
                  {t(`channels.city.${c.key}`)}
                </Button>
              ))}
            </div>
          </div>
        )}
        {!nearby.data && (located === 'asking' || position) && <Loading />}
        {(nearby.data?.items ?? []).map((s) => (
          <div key={s.id} onClick={() => navigate(`/store/${s.id}`)} style={{ padding: '8px 0', borderBottom: '1px solid #f2f2f2', cursor: 'pointer' }} data-testid={`nearby-store-${s.id}`}>
            <div style={{ display: 'flex', justifyContent: 'space-between' }}>
              <b>{s.name}</b>
              {s.distanceM !== undefined && <span className="muted small">{s.distanceM >= 1000 ? `${(s.distanceM / 1000).toFixed(1)} km` : `${s.distanceM} m`}</span>}
            </div>
            <div className="muted small">{s.address}</div>
          </div>
        ))}
      </div>
    </SubPage>
  );
}
