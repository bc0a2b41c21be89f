// 我的库存与进货 (a dealer's own screen): its stock, a restock at its tier's price, and its restocks.
import { Alert, Button, Card, Descriptions, InputNumber, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen, newIdempotencyKey } from '../../../../shared/money';
import type { Items } from '../../types';
import { RestockTable, StockTable } from './shared';
import type { DealerProfile, Restock, RestockCatalogRow, StockRow } from './types';

export default function MyStockPage() {
  const t = useFeatureT();
  const coreT = useT();
  const profile = useApi<DealerProfile>('/api/dealer/me');
  const stock = useApi<Items<StockRow>>('/api/dealer/stock');
  const restocks = useApi<Items<Restock>>('/api/dealer/restocks', { limit: 50 });
  const [restocking, setRestocking] = useState(false);
  const { run } = useRun();
  const error = profile.error ?? stock.error ?? restocks.error;

  const cancel = async (r: Restock) => {
    const done = await run(() => api.post(`/api/dealer/restocks/${r.id}/cancel`), { success: t('dealers.restock.cancelled') });
    if (done !== undefined) restocks.reload();
  };

  const p = profile.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={describeError(error, coreT)} />}
      {p && (
        <Card
          title={t('dealers.me.title', { name: p.shopName, tier: p.tierName })}
          extra={
            <Button type="primary" onClick={() => setRestocking(true)} data-testid="dealer-restock-open">
              {t('dealers.restock.new')}
            </Button>
          }
          data-testid="dealer-profile"
        >
          <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
            <Descriptions.Item label={t('dealers.shop.upper')}>{p.upperShopName ?? t('dealers.shop.none')}</Descriptions.Item>
            <Descriptions.Item label={t('dealers.tier.discount')}>{formatBp(p.discountBp)}</Descriptions.Item>
            <Descriptions.Item label="">{t('dealers.me.shopLink', { id: p.id })}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card title={t('dealers.shop.stock')}>
        <StockTable items={stock.data?.items ?? []} loading={stock.loading} testId="my-stock-table" />
      </Card>
      <Card title={t('dealers.me.myRestocks')}>
        <RestockTable
          items={restocks.data?.items ?? []}
          loading={restocks.loading}
          testId="my-restocks-table"
          showDealer={false}
          actions={(r) =>
            r.status === 'awaiting_payment' && (
              <Popconfirm title={t('dealers.restock.cancelConfirm')} onConfirm={() => cancel(r)}>
                <Button size="small" danger data-testid={`my-restock-cancel-${r.id}`}>{t('dealers.restock.cancel')}</Button>
              </Popconfirm>
            )
          }
        />
      </Card>
      <RestockModal
        open={restocking}
        source={p?.upperShopName ?? t('dealers.shop.none')}
        onClose={() => setRestocking(false)}
        onDone={() => {
          setRestocking(false);
          restocks.reload();
          stock.reload();
        }}
      />
    </Space>
  );
}

function RestockModal({ open, source, onClose, onDone }: { open: boolean; source: string; onClose: () => void; onDone: () => void }) {
  const t = useFeatureT();
  const catalog = useApi<Items<RestockCatalogRow>>(open ? '/api/dealer/restock-catalog' : null);
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  // one key per opened form: a double submit or a retry after a timeout makes one restock
  const clientKey = useMemo(() => newIdempotencyKey('restock'), [open]);
  const { run, running } = useRun();
  const rows = catalog.data?.items ?? [];
  const items = Object.entries(quantities).filter(([, q]) => q > 0).map(([skuId, quantity]) => ({ skuId: Number(skuId), quantity }));
  const totalFen = items.reduce((s, i) => s + (rows.find((r) => r.skuId === i.skuId)?.dealerPriceFen ?? 0) * i.quantity, 0);

  const submit = async () => {
    const r = await run(() => api.post('/api/dealer/restocks', { items, clientKey }), { success: t('dealers.restock.created') });
    if (r !== undefined) {
      setQuantities({});
      onDone();
    }
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={760}
      title={t('dealers.restock.newTitle', { source })}
      okText={t('dealers.restock.new')}
      okButtonProps={{ disabled: items.length === 0, loading: running, 'data-testid': 'dealer-restock-submit' } as never}
      onOk={() => void submit()}
    >
      <Typography.Paragraph type="secondary">{t('dealers.restock.newHint')}</Typography.Paragraph>
      <Table<RestockCatalogRow>
        rowKey="skuId"
        size="small"
        loading={catalog.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ y: 360 }}
        data-testid="dealer-restock-catalog"
        columns={[
          { title: t('dealers.stock.product'), key: 'p', render: (_v, r) => `${r.title} ${r.skuName}` },
          { title: t('dealers.stock.retail'), dataIndex: 'retailFen', width: 100, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('dealers.stock.dealerPrice'), dataIndex: 'dealerPriceFen', width: 100, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('dealers.stock.quantity'), dataIndex: 'onHand', width: 70, align: 'right' },
          { title: t('dealers.restock.sourceStock'), dataIndex: 'sourceOnHand', width: 90, align: 'right', render: (v: number | null) => (v === null ? '∞' : v) },
          {
            title: t('dealers.restock.qty'),
            key: 'q',
            width: 110,
            render: (_v, r) => (
              <InputNumber
                min={0}
                max={r.sourceOnHand ?? 100_000}
                precision={0}
                value={quantities[r.skuId] ?? 0}
                onChange={(v) => setQuantities((q) => ({ ...q, [r.skuId]: v ?? 0 }))}
                data-testid={`dealer-restock-qty-${r.skuId}`}
              />
            ),
          },
        ]}
      />
      <Typography.Title level={5} style={{ textAlign: 'right', marginTop: 12 }} data-testid="dealer-restock-total">
        {t('dealers.restock.total', { amount: formatFen(totalFen) })}
      </Typography.Title>
    </Modal>
  );
}
