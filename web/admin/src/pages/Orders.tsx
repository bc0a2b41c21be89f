// 订单: status filter, order-number search, export (导出, with those filters and a paid-date range), and the order drawer (deep link ?order=ID).
import { Alert, Button, Card, Input, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ExportButton } from '../components/ExportButton';
import { OrderDrawer } from '../components/OrderDrawer';
import { enumLabel, StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useIsMobile } from '../hooks';
import { useT } from '../i18n';
import { formatFen } from '../../../shared/money';
import { ORDER_STATUSES, type Items, type OrderRow } from '../types';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export default function OrdersPage() {
  const t = useT();
  const mobile = useIsMobile();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? undefined;
  const q = params.get('q') ?? '';
  const page = num(params.get('page')) ?? 1;
  const orderId = num(params.get('order')) ?? null;
  const pageSize = 20;
  const [qInput, setQInput] = useState(q);
  const list = useApi<Items<OrderRow>>('/api/admin/orders', { status, q: q || undefined, limit: pageSize, offset: (page - 1) * pageSize });

  const update = (patch: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch) && !('order' in patch)) next.delete('page');
    setParams(next, { replace: !('order' in patch) });
  };

  const items = list.data?.items ?? [];
  // the API gives no total: allow one more page while a page comes back full
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('order.searchPlaceholder')}
            value={qInput}
            onChange={(e) => setQInput(e.target.value)}
            onSearch={(v) => update({ q: v.trim() })}
            style={{ width: 280 }}
            data-testid="orders-search"
          />
          <Select
            allowClear
            placeholder={t('common.status')}
            value={status}
            onChange={(v) => update({ status: v })}
            style={{ width: 160 }}
            options={ORDER_STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'order', s) }))}
            data-testid="orders-filter-status"
          />
        </Space>
        <ExportButton path="/api/admin/orders/export" filters={{ status, q: q || undefined }} fileName="orders" title="export.ordersTitle" rangeLabel="export.rangePaid" testId="orders-export" />
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<OrderRow>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1100 }}
        data-testid="orders-table"
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: (p) => update({ page: p === 1 ? undefined : p }) }}
        columns={[
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 200, fixed: mobile ? undefined : 'left', render: (no: string, r) => <a onClick={() => update({ order: r.id })}>{no}</a> },
          { title: t('order.buyer'), dataIndex: 'buyerNickname', width: 170, render: (n: string, r) => (<div><div>{n} (#{r.buyerId})</div><div style={{ color: '#999', fontSize: 12 }}>{r.buyerPhone}</div></div>) },
          {
            title: t('order.summary'),
            dataIndex: 'summary',
            ellipsis: true,
            render: (v: string, r) => (
              <span style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
                {r.imageUrl ? <img src={r.imageUrl} alt="" width={40} height={40} loading="lazy" style={{ objectFit: 'cover', borderRadius: 6, flex: 'none' }} data-testid={`order-thumb-${r.id}`} /> : <span style={{ width: 40, height: 40, borderRadius: 6, background: '#f5f5f5', flex: 'none' }} />}
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{v}</span>
              </span>
            ),
          },
          { title: t('order.payable'), dataIndex: 'payableFen', width: 120, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('order.refunded'), dataIndex: 'refundedFen', width: 110, align: 'right', render: (v: number) => (v ? <span style={{ color: '#cf1322' }}>{formatFen(v)}</span> : '—') },
          { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag group="order" value={s} /> },
          { title: t('order.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          {
            title: t('common.actions'),
            key: 'a',
            width: 80,
            fixed: mobile ? undefined : 'right',
            render: (_v, r) => (
              <Button type="link" size="small" onClick={() => update({ order: r.id })} data-testid={`order-detail-${r.id}`}>
                {t('common.detail')}
              </Button>
            ),
          },
        ]}
      />
      <OrderDrawer orderId={orderId} onClose={() => update({ order: undefined })} onChanged={list.reload} />
    </Card>
  );
}
