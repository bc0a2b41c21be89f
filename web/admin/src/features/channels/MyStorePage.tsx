// 我的门店 (store staff's screen): verify a pickup code, and the store's figures, orders and bound customers.
import { Alert, Button, Card, Input, Result, Select, Space, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { Items } from '../../types';
import { StoreCustomersTable, StoreOrdersTable, StoreSummaryCard } from './shared';
import type { StoreCustomer, StoreOrder, StoreSummary } from './types';

interface Redeemed {
  orderId: number;
  orderNo: string;
  status: string;
  lines: Array<{ title: string; quantity: number }>;
}

export default function MyStorePage() {
  const t = useFeatureT();
  const coreT = useT();
  const mine = useApi<Items<{ id: number; name: string; role: string }>>('/api/store/mine');
  const [storeId, setStoreId] = useState<number | null>(null);
  useEffect(() => {
    if (storeId === null && mine.data?.items.length) setStoreId(mine.data.items[0].id);
  }, [mine.data, storeId]);
  const summary = useApi<StoreSummary>(storeId ? `/api/store/${storeId}/summary` : null);
  const orders = useApi<Items<StoreOrder>>(storeId ? `/api/store/${storeId}/orders` : null, { limit: 50 });
  const customers = useApi<Items<StoreCustomer>>(storeId ? `/api/store/${storeId}/customers` : null, { limit: 100 });
  const [code, setCode] = useState('');
  const [redeemed, setRedeemed] = useState<Redeemed | null>(null);
  const { run, running } = useRun();
  const error = mine.error ?? summary.error ?? orders.error ?? customers.error;

  const redeem = async () => {
    const r = await run(() => api.post<Redeemed>('/api/store/redemptions', { code: code.trim() }), { success: t('channels.redeem.done') });
    if (r === undefined) return;
    setRedeemed(r);
    setCode('');
    orders.reload();
    summary.reload();
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={describeError(error, coreT)} />}
      <Card
        title={t('channels.redeem.title')}
        extra={
          (mine.data?.items.length ?? 0) > 1 && (
            <Select value={storeId ?? undefined} onChange={setStoreId} options={mine.data!.items.map((s) => ({ value: s.id, label: s.name }))} style={{ width: 200 }} data-testid="my-store-select" />
          )
        }
      >
        <Space.Compact style={{ maxWidth: 420, width: '100%' }}>
          <Input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} maxLength={10} placeholder={t('channels.redeem.placeholder')} onPressEnter={redeem} data-testid="redeem-code" />
          <Button type="primary" onClick={redeem} loading={running} disabled={code.length !== 10} data-testid="redeem-submit">
            {t('channels.redeem.submit')}
          </Button>
        </Space.Compact>
        {redeemed && (
          <Result status="success" title={t('channels.redeem.result', { orderNo: redeemed.orderNo })} subTitle={redeemed.lines.map((l) => `${l.title} × ${l.quantity}`).join('，')} data-testid="redeem-result" />
        )}
      </Card>
      {storeId && (
        <Card title={mine.data?.items.find((s) => s.id === storeId)?.name}>
          <StoreSummaryCard summary={summary.data} />
          <Tabs
            style={{ marginTop: 16 }}
            items={[
              { key: 'orders', label: t('channels.store.orders'), children: <StoreOrdersTable items={orders.data?.items ?? []} storeId={storeId} loading={orders.loading} /> },
              { key: 'customers', label: t('channels.store.customers'), children: <StoreCustomersTable items={customers.data?.items ?? []} loading={customers.loading} /> },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
