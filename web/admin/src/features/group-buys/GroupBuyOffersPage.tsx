// 拼团: group-buy offers with their groups counted; operators create and edit them, every HQ role reads;
// each offer's groups (status, members, refunds) open in a drawer.
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Switch, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { GroupsDrawer } from './GroupsDrawer';
import type { AdminProduct, GroupBuyOffer } from './types';

interface OfferForm {
  title: string;
  productId: number;
  /** group price in yuan by SKU id; blank: the SKU is not in the offer */
  prices: Record<string, string | undefined>;
  groupSize: number;
  timeLimitHours: number;
  window: [Dayjs, Dayjs];
  simulatedFill: boolean;
}

const PHASE_COLOR = { scheduled: 'default', running: 'green', ended: 'default' } as const;

/** The SKUs of the chosen product, each with its group price (yuan). */
function SkuPrices({ product }: { product: AdminProduct | undefined }) {
  const t = useFeatureT();
  if (!product) return null;
  const yuanRule = { validator: (_: unknown, v?: string) => (!v || parseYuanToFen(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('groupBuys.form.invalidAmount')))) };
  return (
    <Form.Item label={t('groupBuys.form.prices')} extra={t('groupBuys.form.pricesHint')} required>
      {product.skus.map((s) => (
        <Form.Item key={s.id} name={['prices', String(s.id)]} rules={[yuanRule]} style={{ marginBottom: 8 }}>
          <Input addonBefore={`${s.name} · ${formatFen(s.priceFen)}`} placeholder={t('groupBuys.form.pricePlaceholder')} data-testid={`group-buy-price-${s.id}`} />
        </Form.Item>
      ))}
    </Form.Item>
  );
}

export default function GroupBuyOffersPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const list = useApi<Items<GroupBuyOffer>>('/api/admin/group-buys', { limit: 100 });
  const products = useApi<Items<AdminProduct>>(writable ? '/api/admin/products' : null, { limit: 100 });
  const [editing, setEditing] = useState<GroupBuyOffer | 'new' | null>(null);
  const [viewing, setViewing] = useState<GroupBuyOffer | null>(null);
  const { run } = useRun();
  const productOf = (id: number | undefined) => (products.data?.items ?? []).find((p) => p.id === id);

  const save = async (v: OfferForm) => {
    const skus = Object.entries(v.prices ?? {}).flatMap(([skuId, yuan]) => (yuan && yuan.trim() ? [{ skuId: Number(skuId), groupPriceFen: parseYuanToFen(yuan)! }] : []));
    const body = { title: v.title.trim(), skus, groupSize: v.groupSize, timeLimitHours: v.timeLimitHours, startsAt: v.window[0].toISOString(), endsAt: v.window[1].toISOString(), simulatedFill: v.simulatedFill ?? false };
    const r =
      editing === 'new'
        ? await run(() => api.post('/api/admin/group-buys', { ...body, productId: v.productId }), { success: t('groupBuys.created') })
        : await run(() => api.put(`/api/admin/group-buys/${(editing as GroupBuyOffer).id}`, body), { success: t('groupBuys.saved') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const initial: Partial<OfferForm> =
    editing && editing !== 'new'
      ? {
          title: editing.title,
          productId: editing.productId,
          prices: Object.fromEntries(editing.skus.map((s) => [String(s.skuId), fenToYuanText(s.groupPriceFen)])),
          groupSize: editing.groupSize,
          timeLimitHours: editing.timeLimitHours,
          window: [dayjs(editing.startsAt), dayjs(editing.endsAt)],
          simulatedFill: editing.simulatedFill,
        }
      : { groupSize: 3, timeLimitHours: 24, simulatedFill: false, prices: {}, window: [dayjs().startOf('minute'), dayjs().add(7, 'day').endOf('day')] };

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="group-buy-create">
            {t('groupBuys.create')}
          </Button>
        )
      }
    >
      <Alert type="info" showIcon title={t('groupBuys.hint')} style={{ marginBottom: 16 }} />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<GroupBuyOffer>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1250 }}
        pagination={false}
        data-testid="group-buy-offers-table"
        onRow={(r) => ({ 'data-testid': `group-buy-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('groupBuys.col.title'), key: 'title', width: 200, fixed: mobile ? undefined : 'left', render: (_v, o) => <span>{o.title}<br /><span className="muted">{o.productTitle}</span></span> },
          { title: t('groupBuys.col.prices'), key: 'prices', width: 220, render: (_v, o) => o.skus.map((s) => <div key={s.skuId}>{`${s.skuName} ${formatFen(s.priceFen)} → ${formatFen(s.groupPriceFen)}`}</div>) },
          { title: t('groupBuys.col.size'), dataIndex: 'groupSize', width: 80, align: 'right' },
          { title: t('groupBuys.col.timeLimit'), dataIndex: 'timeLimitHours', width: 90, render: (n: number) => t('groupBuys.hours', { n }) },
          { title: t('groupBuys.col.window'), key: 'window', width: 150, render: (_v, o) => <span className="small">{formatDateTime(o.startsAt).slice(0, 16)}<br />~ {formatDateTime(o.endsAt).slice(0, 16)}</span> },
          { title: t('groupBuys.col.phase'), dataIndex: 'phase', width: 90, render: (p: GroupBuyOffer['phase']) => <Tag color={PHASE_COLOR[p]}>{t(`groupBuys.phase.${p}`)}</Tag> },
          { title: t('groupBuys.col.simulatedFill'), dataIndex: 'simulatedFill', width: 100, render: (on: boolean) => (on ? <Tag color="orange">{t('groupBuys.on')}</Tag> : t('groupBuys.off')) },
          { title: t('groupBuys.col.groups'), key: 'groups', width: 150, render: (_v, o) => <span data-testid={`group-buy-counts-${o.id}`}>{t('groupBuys.counts', { open: o.groups?.open ?? 0, succeeded: o.groups?.succeeded ?? 0, failed: o.groups?.failed ?? 0 })}</span> },
          {
            title: '',
            key: 'a',
            width: 160,
            fixed: mobile ? undefined : 'right',
            render: (_v, o) => (
              <Space>
                <Button size="small" onClick={() => setViewing(o)} data-testid={`group-buy-view-${o.id}`}>{t('groupBuys.view')}</Button>
                {writable && <Button size="small" onClick={() => setEditing(o)} data-testid={`group-buy-edit-${o.id}`}>{t('groupBuys.edit')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      <FormModal<OfferForm> open={editing !== null} title={editing === 'new' ? t('groupBuys.create') : t('groupBuys.edit')} onClose={() => setEditing(null)} onSubmit={save} initialValues={initial} testId="group-buy-form" width={600}>
        {(form) => (
          <>
            {editing !== 'new' && <Alert type="warning" showIcon title={t('groupBuys.form.editHint')} style={{ marginBottom: 12 }} />}
            <Form.Item name="title" label={t('groupBuys.form.title')} rules={[{ required: true, max: 60 }]}>
              <Input data-testid="group-buy-title" />
            </Form.Item>
            <Form.Item name="productId" label={t('groupBuys.form.product')} rules={[{ required: true }]}>
              <Select showSearch optionFilterProp="label" disabled={editing !== 'new'} options={(products.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }))} onChange={() => form.setFieldValue('prices', {})} data-testid="group-buy-product" />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.productId !== b.productId}>
              {() => <SkuPrices product={productOf(form.getFieldValue('productId') as number | undefined)} />}
            </Form.Item>
            <Space wrap>
              <Form.Item name="groupSize" label={t('groupBuys.form.groupSize')} rules={[{ required: true }]}>
                <InputNumber min={2} max={50} precision={0} data-testid="group-buy-size" />
              </Form.Item>
              <Form.Item name="timeLimitHours" label={t('groupBuys.form.timeLimit')} rules={[{ required: true }]}>
                <InputNumber min={1} max={168} precision={0} data-testid="group-buy-hours" />
              </Form.Item>
            </Space>
            <Form.Item name="window" label={t('groupBuys.form.window')} rules={[{ required: true }]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="group-buy-window" />
            </Form.Item>
            <Form.Item name="simulatedFill" label={t('groupBuys.form.simulatedFill')} valuePropName="checked" extra={t('groupBuys.form.simulatedFillHint')}>
              <Switch data-testid="group-buy-simulated" />
            </Form.Item>
          </>
        )}
      </FormModal>
      <GroupsDrawer offer={viewing} onClose={() => setViewing(null)} />
    </Card>
  );
}
