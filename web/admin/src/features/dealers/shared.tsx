// Tables the dealers screens share: restocks (HQ, a dealer's own, its lower dealers') and stock.
import { Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../format';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Restock, StockRow } from './types';

const STATUS_COLOR: Record<string, string> = { awaiting_payment: 'gold', paid: 'green', cancelled: 'default' };

export function RestockTable({ items, loading, actions, testId, showDealer = true }: { items: Restock[]; loading: boolean; actions?: (r: Restock) => ReactNode; testId: string; showDealer?: boolean }) {
  const t = useFeatureT();
  return (
    <Table<Restock>
      rowKey="id"
      loading={loading}
      dataSource={items}
      scroll={{ x: 1300 }}
      pagination={false}
      data-testid={testId}
      onRow={(r) => ({ 'data-testid': `restock-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('dealers.restock.no'), dataIndex: 'restockNo', width: 210 },
        ...(showDealer ? [{ title: t('dealers.restock.dealer'), dataIndex: 'shopName', width: 130 }] : []),
        { title: t('dealers.restock.source'), dataIndex: 'sourceShopName', width: 120, render: (v: string | null) => v ?? t('dealers.shop.none') },
        {
          title: t('dealers.restock.items'),
          key: 'items',
          width: 280,
          render: (_v, r) => r.lines.map((l) => <div key={l.skuId} style={{ fontSize: 12 }}>{`${l.title} ${l.skuName} × ${l.quantity} @ ${formatFen(l.unitPriceFen)}`}</div>),
        },
        { title: t('dealers.restock.amount'), dataIndex: 'amountFen', width: 120, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
        { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`dealers.restock.status.${s}`)}</Tag> },
        {
          title: t('dealers.restock.upperSettlement'),
          key: 'upper',
          width: 170,
          align: 'right',
          render: (_v, r) => (r.sourceDealerId === null ? '—' : r.status === 'paid' ? `${formatFen(r.upperCostFen)} + ${formatFen(r.upperRewardFen)}` : '—'),
        },
        { title: t('dealers.restock.paymentRef'), dataIndex: 'paymentRef', width: 140, render: (v: string | null) => v ?? '—' },
        { title: t('dealers.restock.createdAt'), dataIndex: 'createdAt', width: 160, render: formatDateTime },
        ...(actions ? [{ title: t('common.actions'), key: 'a', width: 190, render: (_v: unknown, r: Restock) => actions(r) }] : []),
      ]}
    />
  );
}

export function StockTable({ items, loading, testId }: { items: StockRow[]; loading: boolean; testId: string }) {
  const t = useFeatureT();
  return (
    <Table<StockRow>
      rowKey="skuId"
      loading={loading}
      dataSource={items}
      pagination={false}
      data-testid={testId}
      columns={[
        { title: t('dealers.stock.product'), key: 'p', render: (_v, r) => `${r.title} ${r.skuName}` },
        { title: t('dealers.stock.retail'), dataIndex: 'retailFen', align: 'right', render: (v: number) => formatFen(v) },
        { title: t('dealers.stock.dealerPrice'), dataIndex: 'dealerPriceFen', align: 'right', render: (v: number) => formatFen(v) },
        { title: t('dealers.stock.quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => <span data-testid="stock-quantity">{v}</span> },
      ]}
    />
  );
}
