// 积分商城: items to exchange for points (goods need a shipping address) and my redemptions.
import { Button, List, Popup, Stepper, Tabs, Tag, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { randomKey } from '../../api';
import { Empty, ErrorView, formatDateTime, Loading, ProductImage, SubPage, TextField, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import type { ShippingAddress } from '../../../../shared/address';
import { loyaltyApi, type MallItem } from './loyaltyApi';

const EMPTY_ADDRESS: ShippingAddress = { name: '', phone: '', province: '', city: '', district: '', detail: '', regionCode: '' };

function ExchangePopup({ item, balance, onClose, onDone }: { item: MallItem; balance: number; onClose: () => void; onDone: () => void }) {
  const t = useFeatureT();
  const [quantity, setQuantity] = useState(1);
  const [address, setAddress] = useState<ShippingAddress>(EMPTY_ADDRESS);
  const [busy, setBusy] = useState(false);
  // one key per attempt: a double tap or a retry after a timeout exchanges once
  const clientKey = useRef(randomKey('mall'));
  const cost = item.pointsPrice * quantity;
  const field = (k: keyof ShippingAddress, placeholder: string) => (
    <TextField value={address[k]} onChange={(v) => setAddress({ ...address, [k]: v })} placeholder={placeholder} testId={`mall-address-${k}`} />
  );
  const submit = async () => {
    setBusy(true);
    try {
      await loyaltyApi.exchange({ itemId: item.id, quantity, clientKey: clientKey.current, ...(item.kind === 'goods' ? { shippingAddress: address } : {}) });
      Toast.show({ icon: 'success', content: t('loyalty.mall.exchanged') });
      onDone();
    } catch (e) {
      toastError(e);
      clientKey.current = randomKey('mall');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={{ padding: 16, borderTopLeftRadius: 12, borderTopRightRadius: 12 }}>
      <div data-testid="mall-exchange-popup">
        <div style={{ fontWeight: 600, marginBottom: 8 }}>{item.title}</div>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12 }}>
          <span>{t('loyalty.mall.quantity')}</span>
          <Stepper min={1} max={Math.max(1, Math.min(item.stock, item.perMemberLimit ?? 99))} value={quantity} onChange={setQuantity} />
        </div>
        {item.kind === 'goods' && (
          <div style={{ display: 'grid', gap: 8, marginBottom: 12 }}>
            {field('name', t('loyalty.address.name'))}
            {field('phone', t('loyalty.address.phone'))}
            {field('province', t('loyalty.address.province'))}
            {field('city', t('loyalty.address.city'))}
            {field('district', t('loyalty.address.district'))}
            {field('regionCode', t('loyalty.address.regionCode'))}
            {field('detail', t('loyalty.address.detail'))}
          </div>
        )}
        <div className="small muted" style={{ marginBottom: 12 }}>{t('loyalty.mall.cost', { points: cost, balance })}</div>
        <Button block color="primary" loading={busy} disabled={cost > balance} onClick={submit} data-testid="mall-exchange-submit">
          {cost > balance ? t('loyalty.mall.notEnough') : t('loyalty.mall.exchange')}
        </Button>
      </div>
    </Popup>
  );
}

export default function MallPage() {
  const t = useFeatureT();
  const items = useLoad(() => loyaltyApi.mallItems(), []);
  const summary = useLoad(() => loyaltyApi.points(), []);
  const redemptions = useLoad(() => loyaltyApi.redemptions(), []);
  const [chosen, setChosen] = useState<MallItem | null>(null);
  const balance = summary.data?.balance ?? 0;

  return (
    <SubPage title={t('loyalty.nav.mall')} testId="loyalty-mall-page">
      <div className="card" style={{ padding: 12 }}>
        {t('loyalty.points.balance')}: <b data-testid="mall-balance">{balance}</b>
      </div>
      <Tabs>
        <Tabs.Tab title={t('loyalty.mall.items')} key="items">
          {items.loading && <Loading />}
          {items.error ? <ErrorView error={items.error} onRetry={items.reload} /> : null}
          {items.data && !items.data.length && <Empty text={t('loyalty.mall.empty')} />}
          {/* minmax(0, …): a square image must not widen its column past half the screen */}
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 8 }}>
            {items.data?.map((item) => (
              <div key={item.id} className="card" style={{ padding: 8, minWidth: 0 }} data-testid={`mall-item-${item.id}`}>
                <ProductImage src={item.imageUrl} title={item.title} seed={item.id} style={{ width: '100%', height: 'auto', aspectRatio: '1', borderRadius: 8 }} />
                <div style={{ fontWeight: 600, marginTop: 6 }}>
                  {item.kind === 'coupon' && <Tag color="primary" style={{ marginRight: 4 }}>{t('loyalty.mall.coupon')}</Tag>}
                  {item.title}
                </div>
                <div style={{ color: '#e4393c', fontWeight: 600 }}>{t('loyalty.mall.price', { points: item.pointsPrice })}</div>
                <div className="muted small">{t('loyalty.mall.stock', { n: item.stock })}</div>
                <Button size="mini" color="primary" disabled={item.stock === 0} onClick={() => setChosen(item)} data-testid={`mall-exchange-${item.id}`}>
                  {item.stock === 0 ? t('loyalty.mall.soldOut') : t('loyalty.mall.exchange')}
                </Button>
              </div>
            ))}
          </div>
        </Tabs.Tab>
        <Tabs.Tab title={t('loyalty.mall.mine')} key="mine">
          {redemptions.data && !redemptions.data.length && <Empty text={t('loyalty.mall.noRedemptions')} />}
          <List data-testid="mall-redemptions">
            {redemptions.data?.map((r) => (
              <List.Item key={r.id} description={`${formatDateTime(r.createdAt)}${r.trackingNo ? ` · ${r.trackingNo}` : ''}`} extra={<Tag>{t(`loyalty.redemption.${r.status}`)}</Tag>}>
                {r.itemTitle} × {r.quantity} · {r.points}
              </List.Item>
            ))}
          </List>
        </Tabs.Tab>
      </Tabs>
      {chosen && (
        <ExchangePopup
          item={chosen}
          balance={balance}
          onClose={() => setChosen(null)}
          onDone={() => {
            setChosen(null);
            items.reload();
            summary.reload();
            redemptions.reload();
          }}
        />
      )}
    </SubPage>
  );
}
