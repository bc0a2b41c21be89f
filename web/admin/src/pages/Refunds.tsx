// 退款记录: every refund, by status (?status=, so the dashboard's 待办 opens the failed ones); opens the order.
import { Alert, Card, Segmented, Table } from 'antd';
import { useState } from 'react';
import { OrderDrawer } from '../components/OrderDrawer';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi } from '../hooks';
import { useT } from '../i18n';
import { formatFen } from '../../../shared/money';
import type { Items, RefundListRow } from '../types';
import { useUrlChoice } from '../url-state';

const FILTERS = ['all', 'processing', 'succeeded', 'failed'] as const;

export default function RefundsPage() {
  const t = useT();
  const [status, setStatus] = useUrlChoice('status', FILTERS, 'all');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<Items<RefundListRow>>('/api/admin/refunds', { status: status === 'all' ? undefined : status, limit: pageSize, offset: (page - 1) * pageSize });
  const [orderId, setOrderId] = useState<number | null>(null);
  const items = list.data?.items ?? [];
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);
  return (
    <Card>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        options={[{ value: 'all', label: t('common.all') }, ...(['processing', 'succeeded', 'failed'] as const).map((s) => ({ value: s, label: t(`enum.refund.${s}`) }))]}
        data-testid="refunds-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<RefundListRow>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 900 }}
        data-testid="refunds-table"
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('refunds.no'), dataIndex: 'refundNo', width: 210 },
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 200, render: (no: string, r) => (r.orderId ? <a onClick={() => setOrderId(r.orderId!)}>{no}</a> : no) },
          { title: t('common.amount'), dataIndex: 'amountFen', align: 'right', width: 120, render: (v: number) => formatFen(v) },
          { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag group="refund" value={s} /> },
          {
            title: t('refunds.provider'),
            dataIndex: 'providerCall',
            width: 170,
            render: (c: RefundListRow['providerCall'], r) =>
              !c || r.status !== 'processing' ? '—' : c.lastError ? <span data-testid="refund-provider-error" style={{ color: '#cf1322' }}>{t('refunds.providerRefused', { code: c.lastError, tries: c.tries })}</span> : t('refunds.providerWaiting', { tries: c.tries }),
          },
          { title: t('common.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('common.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: t('refunds.completedAt'), dataIndex: 'completedAt', width: 170, render: formatDateTime },
        ]}
      />
      <OrderDrawer orderId={orderId} onClose={() => setOrderId(null)} onChanged={list.reload} />
    </Card>
  );
}
