// 订货商等级: dealer tiers (discount off retail, upper-dealer reward mode) and per-SKU dealer prices.
import { Alert, Button, Card, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { bpToPercentText, formatBp, formatFen, parsePercentToBp, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { DealerTier, RewardMode, TierPrice } from './types';

interface TierForm {
  name: string;
  discountPercent: string;
  rewardMode: RewardMode;
  rebatePercent?: string;
}

export default function TiersPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const list = useApi<Items<DealerTier>>('/api/admin/dealer-tiers');
  const [editing, setEditing] = useState<DealerTier | 'new' | null>(null);
  const [pricesOf, setPricesOf] = useState<DealerTier | null>(null);
  const { run } = useRun();

  const save = async (v: TierForm) => {
    const body = { name: v.name.trim(), discountBp: parsePercentToBp(v.discountPercent), rewardMode: v.rewardMode, rebateBp: v.rebatePercent ? parsePercentToBp(v.rebatePercent) : 0 };
    const r = await run(() => (editing === 'new' ? api.post('/api/admin/dealer-tiers', body) : api.patch(`/api/admin/dealer-tiers/${(editing as DealerTier).id}`, body)), { success: t('dealers.tier.saved') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const percentRule = { pattern: /^\d{1,3}(\.\d{1,2})?$/, message: '0–100' };

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="dealer-tier-create">
            {t('dealers.tier.create')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('dealers.tier.hint')}</Typography.Paragraph>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<DealerTier>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="dealer-tiers-table"
        columns={[
          { title: t('dealers.tier.name'), dataIndex: 'name' },
          { title: t('dealers.tier.discount'), dataIndex: 'discountBp', align: 'right', render: (v: number) => formatBp(v) },
          { title: t('dealers.tier.rewardMode'), key: 'mode', render: (_v, r) => (r.rewardMode === 'rebate' ? `${t('dealers.mode.rebate')} ${formatBp(r.rebateBp)}` : t('dealers.mode.price_difference')) },
          { title: t('dealers.tier.skuPrices'), dataIndex: 'skuPriceCount', align: 'right', render: (v: number, r) => <a onClick={() => setPricesOf(r)} data-testid={`dealer-tier-prices-${r.id}`}>{Number(v)}</a> },
          { title: t('dealers.tier.dealers'), dataIndex: 'dealerCount', align: 'right', render: (v: number) => Number(v) },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_v, r) =>
              writable && (
                <Button size="small" onClick={() => setEditing(r)} data-testid={`dealer-tier-edit-${r.id}`}>
                  {t('dealers.tier.edit')}
                </Button>
              ),
          },
        ]}
      />
      <FormModal<TierForm>
        open={editing !== null}
        title={editing === 'new' ? t('dealers.tier.create') : t('dealers.tier.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        testId="dealer-tier-form"
        initialValues={
          editing && editing !== 'new'
            ? { name: editing.name, discountPercent: bpToPercentText(editing.discountBp), rewardMode: editing.rewardMode, rebatePercent: bpToPercentText(editing.rebateBp) }
            : { rewardMode: 'price_difference', discountPercent: '30', rebatePercent: '0' }
        }
      >
        {(form) => (
          <>
            <Form.Item name="name" label={t('dealers.tier.name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
              <Input data-testid="dealer-tier-name" />
            </Form.Item>
            <Form.Item name="discountPercent" label={t('dealers.tier.discount')} rules={[{ required: true }, percentRule]}>
              <Input suffix="%" data-testid="dealer-tier-discount" />
            </Form.Item>
            <Form.Item name="rewardMode" label={t('dealers.tier.rewardMode')} rules={[{ required: true }]}>
              <Select options={(['price_difference', 'rebate'] as const).map((m) => ({ value: m, label: t(`dealers.mode.${m}`) }))} data-testid="dealer-tier-mode" />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() =>
                form.getFieldValue('rewardMode') === 'rebate' && (
                  <Form.Item name="rebatePercent" label={t('dealers.tier.rebate')} rules={[{ required: true }, percentRule]}>
                    <Input suffix="%" data-testid="dealer-tier-rebate" />
                  </Form.Item>
                )
              }
            </Form.Item>
          </>
        )}
      </FormModal>
      <TierPricesDrawer tier={pricesOf} writable={writable} onClose={() => setPricesOf(null)} onChanged={list.reload} />
    </Card>
  );
}

function TierPricesDrawer({ tier, writable, onClose, onChanged }: { tier: DealerTier | null; writable: boolean; onClose: () => void; onChanged: () => void }) {
  const t = useFeatureT();
  const prices = useApi<Items<TierPrice>>(tier ? `/api/admin/dealer-tiers/${tier.id}/prices` : null);
  const [skuId, setSkuId] = useState<number | null>(null);
  const [priceText, setPriceText] = useState('');
  const { run } = useRun();
  const setPrice = async (sku: number, priceFen: number | null) => {
    if (!tier) return;
    const r = await run(() => api.put(`/api/admin/dealer-tiers/${tier.id}/prices/${sku}`, { priceFen }), { success: t('dealers.tier.saved') });
    if (r !== undefined) {
      prices.reload();
      onChanged();
    }
  };
  return (
    <Drawer open={tier !== null} onClose={onClose} title={tier ? t('dealers.tier.pricesTitle', { name: tier.name }) : ''} size="large" data-testid="dealer-tier-prices">
      {writable && (
        <Space style={{ marginBottom: 16 }} wrap>
          <InputNumber min={1} placeholder={t('dealers.tier.skuId')} value={skuId} onChange={(v) => setSkuId(v)} data-testid="dealer-tier-price-sku" />
          <Input style={{ width: 140 }} placeholder={t('dealers.tier.price')} value={priceText} onChange={(e) => setPriceText(e.target.value)} data-testid="dealer-tier-price-value" />
          <Button
            type="primary"
            disabled={!skuId || parseYuanToFen(priceText) === null}
            onClick={() => void setPrice(skuId!, parseYuanToFen(priceText)!)}
            data-testid="dealer-tier-price-save"
          >
            {t('dealers.tier.setPrice')}
          </Button>
        </Space>
      )}
      <Table<TierPrice>
        rowKey="skuId"
        loading={prices.loading}
        dataSource={prices.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('dealers.tier.skuId'), dataIndex: 'skuId', width: 80 },
          { title: t('dealers.stock.product'), key: 'p', render: (_v, r) => `${r.title} ${r.skuName}` },
          { title: t('dealers.stock.retail'), dataIndex: 'retailFen', align: 'right', render: (v: number) => formatFen(v) },
          { title: t('dealers.stock.dealerPrice'), dataIndex: 'priceFen', align: 'right', render: (v: number) => formatFen(v) },
          {
            title: '',
            key: 'a',
            render: (_v, r) =>
              writable && (
                <Popconfirm title={t('dealers.tier.removePrice')} onConfirm={() => setPrice(r.skuId, null)}>
                  <Button size="small" danger>{t('dealers.tier.removePrice')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Drawer>
  );
}
