// 订单: a filter bar (order number, buyer, phone as the role allows, product, days, status, source,
// distributor, delivery, 待发货) kept in the address under the API's own names, so a link such as
// /orders?toShip=true opens the filtered list; batch shipping from a file (批量发货); export (导出,
// with every filter of the list (its placed-day range as placedFrom/placedTo) and a paid-date range); the order drawer (deep link ?order=ID).
// Status and actions stay fixed on the right: at 1440 px the whole row is in view.
import { Alert, Button, Card, Checkbox, DatePicker, Input, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth';
import { BatchShipButton } from '../components/BatchShip';
import { ExportButton } from '../components/ExportButton';
import { CampaignTag } from '../components/StatusTag';
import { OrderDrawer } from '../components/OrderDrawer';
import { enumLabel, StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useIsMobile } from '../hooks';
import { useT, type Key } from '../i18n';
import { formatFen } from '../../../shared/money';
import { ORDER_STATUSES, type Items, type OrderRow } from '../types';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
/** the list's filters: the address's names are the API's (GET /api/admin/orders) */
const FILTERS = ['status', 'q', 'buyer', 'phone', 'product', 'productId', 'from', 'to', 'source', 'distributor', 'delivery', 'toShip'] as const;
const SOURCES = ['share_link', 'poster', 'store', 'direct'] as const;
/** roles that see phones whole, and so may search by one (src/http/auth.ts ROLES_SEEING_PERSONAL_DATA) */
const PHONE_ROLES = ['owner', 'support'];

export default function OrdersPage() {
  const t = useT();
  const mobile = useIsMobile();
  const { me, can } = useAuth();
  const [params, setParams] = useSearchParams();
  const page = num(params.get('page')) ?? 1;
  const orderId = num(params.get('order')) ?? null;
  const pageSize = 20;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const list = useApi<Items<OrderRow>>('/api/admin/orders', { ...filters, limit: pageSize, offset: (page - 1) * pageSize });

  const update = (patch: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch) && !('order' in patch)) next.delete('page');
    setParams(next, { replace: !('order' in patch) });
  };
  const filtered = FILTERS.some((k) => filters[k] !== undefined);

  const items = list.data?.items ?? [];
  // the API gives no total: allow one more page while a page comes back full
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);
  const text = (name: (typeof FILTERS)[number], placeholder: Key, width = 170) => (
    <FilterText value={filters[name]} placeholder={t(placeholder)} width={width} onApply={(v) => update({ [name]: v })} testId={`orders-filter-${name}`} />
  );

  return (
    <Card>
      <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} align="start">
        <Space wrap data-testid="orders-filters">
          {text('q', 'order.searchPlaceholder', 200)}
          {text('buyer', 'order.filter.buyer')}
          {PHONE_ROLES.includes(me?.hqRole ?? '') && text('phone', 'order.filter.phone', 150)}
          {text('product', 'order.filter.product')}
          {text('distributor', 'order.filter.distributor')}
          <DatePicker.RangePicker
            allowClear
            value={filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null}
            onChange={(_d, [from, to]) => update({ from: from || undefined, to: to || undefined })}
            placeholder={[t('order.filter.from'), t('order.filter.to')]}
            data-testid="orders-filter-range"
          />
          <Select
            allowClear
            placeholder={t('common.status')}
            value={filters.status}
            onChange={(v) => update({ status: v })}
            style={{ width: 130 }}
            options={ORDER_STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'order', s) }))}
            data-testid="orders-filter-status"
          />
          <Select
            allowClear
            placeholder={t('order.source')}
            value={filters.source}
            onChange={(v) => update({ source: v })}
            style={{ width: 130 }}
            options={SOURCES.map((s) => ({ value: s, label: t(`order.source.${s}`) }))}
            data-testid="orders-filter-source"
          />
          <Select
            allowClear
            placeholder={t('order.deliveryMethod')}
            value={filters.delivery}
            onChange={(v) => update({ delivery: v })}
            style={{ width: 120 }}
            options={(['express', 'pickup'] as const).map((d) => ({ value: d, label: t(`order.delivery.${d}`) }))}
            data-testid="orders-filter-delivery"
          />
          <span data-testid="orders-filter-toShip">
            <Checkbox checked={filters.toShip === 'true'} onChange={(e) => update({ toShip: e.target.checked ? 'true' : undefined })}>
              {t('order.filter.toShip')}
            </Checkbox>
          </span>
          {filtered && (
            <Button onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="orders-filter-reset">
              {t('common.reset')}
            </Button>
          )}
        </Space>
        <Space wrap>
          {can('orders.fulfil') && <BatchShipButton onShipped={list.reload} />}
          <ExportButton path="/api/admin/orders/export" filters={{ ...filters, from: undefined, to: undefined, placedFrom: filters.from, placedTo: filters.to }} fileName="orders" title="export.ordersTitle" rangeLabel="export.rangePaid" testId="orders-export" />
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} data-testid="orders-error" />}
      <Table<OrderRow>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1100 }}
        data-testid="orders-table"
        onRow={(r) => ({ 'data-testid': `order-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: (p) => update({ page: p === 1 ? undefined : p }) }}
        columns={[
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 200, fixed: mobile ? undefined : 'left', render: (no: string, r) => (
              <Space size={4} wrap>
                <a onClick={() => update({ order: r.id })}>{no}</a>
                {r.campaign && <CampaignTag kind={r.campaign.kind} />}
              </Space>
            ) },
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
          { title: t('order.payable'), dataIndex: 'payableFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('order.refunded'), dataIndex: 'refundedFen', width: 100, align: 'right', render: (v: number) => (v ? <span style={{ color: '#cf1322' }}>{formatFen(v)}</span> : '—') },
          { title: t('order.createdAt'), dataIndex: 'createdAt', width: 160, render: formatDateTime },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 110,
            fixed: mobile ? undefined : 'right',
            render: (s: string, r) => (
              <Space size={4} wrap data-testid={`order-status-${r.id}`}>
                <StatusTag group="order" value={s} />
                {r.deliveryMethod === 'pickup' && <Tag>{t('order.delivery.pickup')}</Tag>}
              </Space>
            ),
          },
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

/** A text filter: typed freely, applied on Enter, on leaving the field, or when cleared; follows the address (back, a link). */
function FilterText({ value, placeholder, width, onApply, testId }: { value: string | undefined; placeholder: string; width: number; onApply: (v: string | undefined) => void; testId: string }) {
  const [typed, setTyped] = useState(value ?? '');
  useEffect(() => setTyped(value ?? ''), [value]);
  const apply = (v: string) => {
    const next = v.trim() || undefined;
    if (next !== value) onApply(next);
  };
  return (
    <Input
      allowClear
      placeholder={placeholder}
      value={typed}
      onChange={(e) => {
        setTyped(e.target.value);
        if (!e.target.value) apply('');
      }}
      onPressEnter={() => apply(typed)}
      onBlur={() => apply(typed)}
      style={{ width }}
      data-testid={testId}
    />
  );
}
