// 我的订单 (supplier): paid orders with my products — only my lines, each with its picture, SKU and
// quantity, and who and where to (name masked, city and district); ship with a tracking number (the
// form shows the whole address).
// An order wholly of suppliers' goods becomes shipped once each supplier has shipped; a mixed order
// with HQ's goods stays paid until HQ ships its part.
import { Alert, Button, Card, Descriptions, Form, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { FormModal } from '../../components/FormModal';
import { enumLabel, StatusTag } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { formatAddress } from '../../../../shared/address';
import type { SupplierOrder, SupplierOrderLine, SupplierOrderRow } from './types';

const STATUSES = ['paid', 'shipped', 'completed', 'refunded'] as const;

export default function MyOrdersPage() {
  const ft = useFeatureT();
  const t = useT();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | 'all'>('paid');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<Items<SupplierOrderRow>>('/api/supplier/orders', { status: status === 'all' ? undefined : status, limit: pageSize, offset: (page - 1) * pageSize });
  const [shippingId, setShippingId] = useState<number | null>(null);
  const shipping = useApi<SupplierOrder>(shippingId ? `/api/supplier/orders/${shippingId}` : null);
  const { run } = useRun();
  const items = list.data?.items ?? [];
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);

  const ship = async (v: { carrier: string; trackingNo: string }) => {
    if (!shippingId) return false;
    const r = await run(() => api.post<SupplierOrder>(`/api/supplier/orders/${shippingId}/shipments`, { carrier: v.carrier.trim(), trackingNo: v.trackingNo.trim() }), { success: ft('suppliers.shipped') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card title={ft('suppliers.nav.myOrders')}>
      <Segmented
        style={{ marginBottom: 16, maxWidth: '100%', overflowX: 'auto' }}
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        options={[...STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'order', s) })), { value: 'all', label: t('common.all') }]}
        data-testid="supplier-orders-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<SupplierOrderRow>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1000 }}
        data-testid="supplier-orders-table"
        onRow={(r) => ({ 'data-testid': `supplier-order-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: setPage }}
        expandable={{ expandedRowRender: (o) => <LinesTable lines={o.lines} /> }}
        columns={[
          { title: ft('suppliers.orderNo'), dataIndex: 'orderNo', width: 200 },
          { title: ft('suppliers.goods'), key: 'goods', render: (_v, o) => <LinesSummary lines={o.lines} orderId={o.id} /> },
          { title: ft('suppliers.settlement'), key: 'settlement', width: 110, align: 'right', render: (_v, o) => formatFen(o.lines.reduce((s, l) => s + (l.settlementFen ?? 0), 0)) },
          {
            title: ft('suppliers.consignee'),
            key: 'to',
            width: 200,
            render: (_v, o) =>
              o.deliveryMethod === 'pickup' || !o.consignee ? (
                <Tag>{ft('suppliers.pickup')}</Tag>
              ) : (
                <div data-testid={`supplier-consignee-${o.id}`}>
                  <div>{o.consignee.name}</div>
                  <div style={{ color: '#999', fontSize: 12 }}>{[o.consignee.province, o.consignee.city, o.consignee.district].filter(Boolean).join(' ')}</div>
                </div>
              ),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 150,
            render: (s: string, o) => (
              <div>
                <StatusTag group="order" value={s} />
                {o.mixed && <Tag>{ft('suppliers.mixed')}</Tag>}
              </div>
            ),
          },
          {
            title: ft('suppliers.shipment'),
            key: 'shipment',
            width: 180,
            render: (_v, o) => (o.shipment ? <span data-testid={`supplier-shipment-${o.id}`}>{o.shipment.carrier} {o.shipment.trackingNo}</span> : '—'),
          },
          { title: ft('suppliers.paidAt'), dataIndex: 'paidAt', width: 170, render: formatDateTime },
          {
            title: t('common.actions'),
            key: 'a',
            width: 100,
            render: (_v, o) =>
              o.status === 'paid' && o.deliveryMethod === 'express' && !o.shipment ? (
                <Button size="small" type="primary" onClick={() => setShippingId(o.id)} data-testid={`supplier-ship-${o.id}`}>
                  {ft('suppliers.ship')}
                </Button>
              ) : null,
          },
        ]}
      />
      <FormModal<{ carrier: string; trackingNo: string }> open={shippingId !== null} title={ft('suppliers.shipTitle')} onClose={() => setShippingId(null)} onSubmit={ship} testId="supplier-ship-form" width={640}>
        {shipping.data && (
          <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={ft('suppliers.orderNo')}>{shipping.data.orderNo}</Descriptions.Item>
            <Descriptions.Item label={ft('suppliers.consignee')}>
              <span data-testid="supplier-ship-consignee">{formatAddress(shipping.data.shippingAddress)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={ft('suppliers.goods')}>{shipping.data.lines.map((l) => `${l.title} ×${l.quantity}`).join('，')}</Descriptions.Item>
          </Descriptions>
        )}
        {shipping.data?.mixed && <Typography.Paragraph type="secondary">{ft('suppliers.mixedHint')}</Typography.Paragraph>}
        <Form.Item name="carrier" label={ft('suppliers.carrier')} rules={[{ required: true, whitespace: true, max: 30 }]}>
          <Input maxLength={30} data-testid="supplier-ship-carrier" />
        </Form.Item>
        <Form.Item name="trackingNo" label={ft('suppliers.trackingNo')} rules={[{ required: true, pattern: /^[A-Za-z0-9-]{4,40}$/, message: ft('suppliers.badTracking') }]}>
          <Input maxLength={40} data-testid="supplier-ship-tracking" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}

/** My lines of an order at a glance: picture, title, SKU and quantity each. */
function LinesSummary({ lines, orderId }: { lines: SupplierOrderLine[]; orderId: number }) {
  return (
    <Space orientation="vertical" size={4} data-testid={`supplier-order-lines-${orderId}`}>
      {lines.map((l) => (
        <span key={l.id} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          {l.imageUrl ? <img src={l.imageUrl} alt="" width={36} height={36} loading="lazy" style={{ objectFit: 'cover', borderRadius: 6, flex: 'none' }} /> : <span style={{ width: 36, height: 36, borderRadius: 6, background: '#f5f5f5', flex: 'none' }} />}
          <span>
            <div>{l.title}</div>
            <div style={{ color: '#999', fontSize: 12 }}>
              {l.skuName ? `${l.skuName} · ` : ''}×{l.quantity}
            </div>
          </span>
        </span>
      ))}
    </Space>
  );
}

function LinesTable({ lines }: { lines: SupplierOrderLine[] }) {
  const ft = useFeatureT();
  return (
    <Table<SupplierOrderLine>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={lines}
      columns={[
        { title: ft('suppliers.goods'), dataIndex: 'title' },
        { title: ft('suppliers.sku'), dataIndex: 'skuName', width: 110, render: (v: string | null) => v ?? '—' },
        { title: ft('suppliers.quantity'), dataIndex: 'quantity', width: 80, align: 'right' },
        { title: ft('suppliers.retailPrice'), dataIndex: 'unitPriceFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
        { title: ft('suppliers.supplyPrice'), dataIndex: 'supplyPriceFen', width: 110, align: 'right', render: (v: number | null) => formatFen(v) },
        { title: ft('suppliers.refunded'), dataIndex: 'refundedFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
        { title: ft('suppliers.settlement'), dataIndex: 'settlementFen', width: 110, align: 'right', render: (v: number | null) => formatFen(v) },
      ]}
    />
  );
}
