// 积分商城: HQ lists goods and coupon items (price in points, stock, per-member limit, on/off) and
// fulfils goods redemptions (ship with a tracking number, or cancel: points and stock go back).
import { Alert, Button, Card, Form, Input, InputNumber, Popconfirm, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { FormModal, ReasonField } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { useLoyaltyWritable, type MallItem, type Redemption, type RedemptionStatus } from './shared';
import { useUrlChoice } from '../../url-state';

type ItemForm = {
  kind: 'goods' | 'coupon';
  title: string;
  description?: string;
  imageUrl?: string;
  pointsPrice: number;
  stock: number;
  perMemberLimit?: number | null;
  skuId?: number | null;
  couponTemplateId?: number | null;
  status: 'on' | 'off';
};

function ItemsTab() {
  const ft = useFeatureT();
  const t = useT();
  const writable = useLoyaltyWritable();
  const { run } = useRun();
  const items = useApi<{ items: MallItem[] }>('/api/admin/loyalty/mall/items', { limit: 100 });
  const [editing, setEditing] = useState<MallItem | 'new' | null>(null);

  const submit = async (v: ItemForm) => {
    const body = { ...v, imageUrl: v.imageUrl?.trim() || null, perMemberLimit: v.perMemberLimit || null };
    const r =
      editing === 'new'
        ? await run(() => api.post('/api/admin/loyalty/mall/items', { ...body, skuId: v.kind === 'goods' ? v.skuId || null : null, couponTemplateId: v.kind === 'coupon' ? v.couponTemplateId : null }), { success: t('common.saved') })
        : await run(() => {
            const { kind: _k, skuId: _s, couponTemplateId: _c, ...editable } = body;
            return api.patch(`/api/admin/loyalty/mall/items/${(editing as MallItem).id}`, editable);
          }, { success: t('common.saved') });
    if (r === undefined) return false;
    items.reload();
    return true;
  };

  const toggle = async (item: MallItem) => {
    const r = await run(() => api.patch(`/api/admin/loyalty/mall/items/${item.id}`, { status: item.status === 'on' ? 'off' : 'on' }), { success: t('common.saved') });
    if (r !== undefined) items.reload();
  };

  return (
    <>
      {writable && (
        <Button type="primary" style={{ marginBottom: 16 }} onClick={() => setEditing('new')} data-testid="mall-item-new">
          {ft('loyalty.mall.newItem')}
        </Button>
      )}
      {items.error && <Alert type="error" showIcon title={describeError(items.error, t)} style={{ marginBottom: 16 }} />}
      <Table<MallItem>
        rowKey="id"
        loading={items.loading}
        dataSource={items.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={false}
        data-testid="mall-items-table"
        onRow={(r) => ({ 'data-testid': `mall-item-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: ft('loyalty.mall.item'), dataIndex: 'title', render: (v: string, r) => <Space><Tag color={r.kind === 'goods' ? 'blue' : 'purple'}>{ft(`loyalty.mall.kind.${r.kind}`)}</Tag>{v}</Space> },
          { title: ft('loyalty.mall.target'), key: 'target', width: 140, render: (_v, r) => (r.kind === 'goods' ? (r.skuId ? `SKU #${r.skuId}` : '—') : `${ft('loyalty.mall.template')} #${r.couponTemplateId}`) },
          { title: ft('loyalty.mall.pointsPrice'), dataIndex: 'pointsPrice', width: 100, align: 'right' },
          { title: ft('loyalty.mall.stock'), dataIndex: 'stock', width: 80, align: 'right', render: (v: number) => (v === 0 ? <Typography.Text type="danger">0</Typography.Text> : v) },
          { title: ft('loyalty.mall.limit'), dataIndex: 'perMemberLimit', width: 90, align: 'right', render: (v: number | null) => v ?? '—' },
          { title: t('common.status'), dataIndex: 'status', width: 80, render: (v: string) => <Tag color={v === 'on' ? 'green' : 'default'}>{ft(`loyalty.mall.status.${v}`)}</Tag> },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            render: (_v, r) =>
              writable && (
                <Space>
                  <Button size="small" onClick={() => setEditing(r)} data-testid={`mall-item-edit-${r.id}`}>{t('common.edit')}</Button>
                  <Button size="small" onClick={() => toggle(r)} data-testid={`mall-item-toggle-${r.id}`}>{ft(r.status === 'on' ? 'loyalty.mall.takeOff' : 'loyalty.mall.putOn')}</Button>
                </Space>
              ),
          },
        ]}
      />
      <FormModal<ItemForm>
        open={editing !== null}
        title={editing === 'new' ? ft('loyalty.mall.newItem') : ft('loyalty.mall.editItem')}
        onClose={() => setEditing(null)}
        onSubmit={submit}
        initialValues={editing && editing !== 'new' ? { ...editing, imageUrl: editing.imageUrl ?? undefined } : { kind: 'goods', status: 'on', stock: 100, pointsPrice: 500 }}
        testId="mall-item-form"
      >
        {(form) => (
          <>
            <Form.Item name="kind" label={ft('loyalty.mall.kind')} rules={[{ required: true }]}>
              <Segmented disabled={editing !== 'new'} options={[{ value: 'goods', label: ft('loyalty.mall.kind.goods') }, { value: 'coupon', label: ft('loyalty.mall.kind.coupon') }]} />
            </Form.Item>
            <Form.Item name="title" label={ft('loyalty.mall.item')} rules={[{ required: true, whitespace: true, max: 100 }]}>
              <Input data-testid="mall-item-title" />
            </Form.Item>
            <Form.Item name="description" label={ft('loyalty.mall.description')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Form.Item name="imageUrl" label={ft('loyalty.mall.imageUrl')} rules={[{ pattern: /^(https?:\/\/|\/)\S+$/, message: ft('loyalty.mall.urlInvalid') }]}>
              <Input />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() =>
                form.getFieldValue('kind') === 'coupon' ? (
                  <Form.Item name="couponTemplateId" label={ft('loyalty.mall.template')} rules={[{ required: true }]} extra={ft('loyalty.mall.templateHint')}>
                    <InputNumber min={1} precision={0} disabled={editing !== 'new'} style={{ width: '100%' }} data-testid="mall-item-template" />
                  </Form.Item>
                ) : (
                  <Form.Item name="skuId" label="SKU ID" extra={ft('loyalty.mall.skuHint')}>
                    <InputNumber min={1} precision={0} disabled={editing !== 'new'} style={{ width: '100%' }} data-testid="mall-item-sku" />
                  </Form.Item>
                )
              }
            </Form.Item>
            <Space wrap>
              <Form.Item name="pointsPrice" label={ft('loyalty.mall.pointsPrice')} rules={[{ required: true }]}>
                <InputNumber min={1} precision={0} data-testid="mall-item-price" />
              </Form.Item>
              <Form.Item name="stock" label={ft('loyalty.mall.stock')} rules={[{ required: true }]}>
                <InputNumber min={0} precision={0} data-testid="mall-item-stock" />
              </Form.Item>
              <Form.Item name="perMemberLimit" label={ft('loyalty.mall.limit')}>
                <InputNumber min={1} precision={0} />
              </Form.Item>
              <Form.Item name="status" label={t('common.status')}>
                <Select style={{ width: 100 }} options={[{ value: 'on', label: ft('loyalty.mall.status.on') }, { value: 'off', label: ft('loyalty.mall.status.off') }]} />
              </Form.Item>
            </Space>
          </>
        )}
      </FormModal>
    </>
  );
}

const STATUSES: RedemptionStatus[] = ['pending', 'fulfilled', 'granted', 'cancelled'];
const FILTERS: ReadonlyArray<RedemptionStatus | 'all'> = [...STATUSES, 'all'];
const TABS = ['items', 'redemptions'] as const;

function RedemptionsTab() {
  const ft = useFeatureT();
  const t = useT();
  const writable = useLoyaltyWritable();
  const { run } = useRun();
  // in the URL (?tab=redemptions&status=): the dashboard's 待办 opens the exchanges waiting to be shipped
  const [status, setStatus] = useUrlChoice('status', FILTERS, 'pending');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<{ total: number; items: Redemption[] }>('/api/admin/loyalty/redemptions', { status: status === 'all' ? undefined : status, limit: pageSize, offset: (page - 1) * pageSize });
  const [shipping, setShipping] = useState<Redemption | null>(null);
  const [cancelling, setCancelling] = useState<Redemption | null>(null);

  const fulfil = async (v: { trackingNo?: string }) => {
    const r = await run(() => api.post(`/api/admin/loyalty/redemptions/${shipping!.id}/fulfil`, { trackingNo: v.trackingNo?.trim() || null }), { success: t('common.done') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };
  const cancel = async (v: { reason: string }) => {
    const r = await run(() => api.post(`/api/admin/loyalty/redemptions/${cancelling!.id}/cancel`, { reason: v.reason.trim() }), { success: t('common.done') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => { setStatus(v as typeof status); setPage(1); }}
        options={[...STATUSES.map((s) => ({ value: s, label: ft(`loyalty.redemption.${s}`) })), { value: 'all', label: t('common.all') }]}
        data-testid="redemptions-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Redemption>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1200 }}
        data-testid="redemptions-table"
        onRow={(r) => ({ 'data-testid': `redemption-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: ft('loyalty.col.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: ft('loyalty.ledger.member'), key: 'm', width: 200, render: (_v, r) => `${r.nickname} #${r.memberId} ${r.phone}` },
          { title: ft('loyalty.mall.item'), key: 'i', width: 180, render: (_v, r) => `${r.itemTitle} × ${r.quantity}` },
          { title: ft('loyalty.col.points'), dataIndex: 'points', width: 80, align: 'right' },
          { title: t('common.status'), dataIndex: 'status', width: 90, render: (v: RedemptionStatus) => <Tag color={{ pending: 'orange', fulfilled: 'green', granted: 'blue', cancelled: 'default' }[v]}>{ft(`loyalty.redemption.${v}`)}</Tag> },
          {
            title: ft('loyalty.redemption.address'),
            key: 'addr',
            width: 260,
            render: (_v, r) => (r.shippingAddress ? `${r.shippingAddress.name} ${r.shippingAddress.phone} ${r.shippingAddress.province}${r.shippingAddress.city}${r.shippingAddress.district}${r.shippingAddress.detail}` : '—'),
          },
          { title: ft('loyalty.redemption.note'), key: 'note', width: 160, render: (_v, r) => r.trackingNo ?? r.cancelReason ?? '—' },
          {
            title: t('common.actions'),
            key: 'a',
            width: 160,
            render: (_v, r) =>
              writable && r.status === 'pending' && (
                <Space>
                  <Button size="small" type="primary" onClick={() => setShipping(r)} data-testid={`redemption-fulfil-${r.id}`}>{ft('loyalty.redemption.fulfil')}</Button>
                  <Button size="small" danger onClick={() => setCancelling(r)} data-testid={`redemption-cancel-${r.id}`}>{ft('loyalty.redemption.cancel')}</Button>
                </Space>
              ),
          },
        ]}
      />
      <FormModal<{ trackingNo?: string }> open={shipping !== null} title={ft('loyalty.redemption.fulfil')} onClose={() => setShipping(null)} onSubmit={fulfil} testId="redemption-fulfil-form">
        <Form.Item name="trackingNo" label={ft('loyalty.redemption.trackingNo')} rules={[{ max: 50 }]}>
          <Input data-testid="redemption-tracking" />
        </Form.Item>
      </FormModal>
      <FormModal<{ reason: string }> open={cancelling !== null} title={ft('loyalty.redemption.cancel')} onClose={() => setCancelling(null)} onSubmit={cancel} danger testId="redemption-cancel-form">
        <Typography.Paragraph type="secondary">{ft('loyalty.redemption.cancelHint')}</Typography.Paragraph>
        <ReasonField />
      </FormModal>
    </>
  );
}

export default function MallPage() {
  const ft = useFeatureT();
  const [tab, setTab] = useUrlChoice('tab', TABS, 'items');
  return (
    <Card>
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as typeof tab, ['status'])}
        items={[
          { key: 'items', label: ft('loyalty.mall.items'), children: <ItemsTab /> },
          { key: 'redemptions', label: ft('loyalty.mall.redemptions'), children: <RedemptionsTab /> },
        ]}
      />
    </Card>
  );
}
