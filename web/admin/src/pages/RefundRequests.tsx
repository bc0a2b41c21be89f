// 退款申请: buyers' refund requests; support approves (the refund opens) or rejects with a reason.
import { Alert, Button, Card, Result, Segmented, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal, ReasonField } from '../components/FormModal';
import { OrderDrawer } from '../components/OrderDrawer';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useRun, useIsMobile } from '../hooks';
import { useT } from '../i18n';
import { formatFen } from '../../../shared/money';
import type { Items, RefundRequest } from '../types';

const requested = (r: RefundRequest) => (r.lines ?? []).reduce((n, l) => n + l.amountFen, 0) + (r.shippingFen ?? 0);

export default function RefundRequestsPage() {
  const t = useT();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected' | 'all'>('pending');
  const list = useApi<Items<RefundRequest>>('/api/admin/refund-requests', { status: status === 'all' ? undefined : status, limit: 100 });
  const [orderId, setOrderId] = useState<number | null>(null);
  const [reviewing, setReviewing] = useState<{ req: RefundRequest; approve: boolean } | null>(null);
  const { run } = useRun();

  if (list.error?.status === 404) {
    return <Result status="info" title={t('refundRequests.unavailable')} subTitle={t('refundRequests.unavailableHint')} data-testid="refund-requests-unavailable" />;
  }

  const review = async (v: { reason?: string }) => {
    if (!reviewing) return false;
    const reason = v.reason?.trim();
    const res = await run(() => api.post(`/api/admin/refund-requests/${reviewing.req.id}/review`, { approve: reviewing.approve, ...(reason ? { reason } : {}) }), {
      success: reviewing.approve ? t('refundRequests.approvedMsg') : t('refundRequests.rejectedMsg'),
    });
    if (res === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[...(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`enum.review.${s}`) })), { value: 'all', label: t('common.all') }]}
        data-testid="refund-requests-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<RefundRequest>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1000 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="refund-requests-table"
        columns={[
          { title: 'ID', dataIndex: 'id', width: 64 },
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 200, render: (no: string, r) => <a onClick={() => setOrderId(r.orderId)}>{no}</a> },
          { title: t('order.buyer'), dataIndex: 'buyerId', width: 80, render: (id: number) => `#${id}` },
          { title: t('refundRequests.amount'), key: 'amt', width: 120, align: 'right', render: (_v, r) => formatFen(requested(r)) },
          { title: t('common.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag group="review" value={s} /> },
          { title: t('common.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: t('applications.reviewReason'), dataIndex: 'reviewReason', render: (v: string | null) => v || '—' },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            fixed: mobile ? undefined : 'right',
            render: (_v, r) =>
              r.status === 'pending' && can('orders.refund') ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setReviewing({ req: r, approve: true })} data-testid={`refund-request-approve-${r.id}`}>
                    {t('common.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => setReviewing({ req: r, approve: false })} data-testid={`refund-request-reject-${r.id}`}>
                    {t('common.reject')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <FormModal<{ reason?: string }>
        open={!!reviewing}
        title={reviewing ? t(reviewing.approve ? 'refundRequests.approveTitle' : 'refundRequests.rejectTitle', { id: reviewing.req.id }) : ''}
        onClose={() => setReviewing(null)}
        onSubmit={review}
        danger={!!reviewing && !reviewing.approve}
        testId="refund-request-review"
      >
        {reviewing && (
          <Typography.Paragraph>
            {t('refundRequests.summary', { order: reviewing.req.orderNo, amount: formatFen(requested(reviewing.req)) })}
          </Typography.Paragraph>
        )}
        <ReasonField required={!!reviewing && !reviewing.approve} />
      </FormModal>
      <OrderDrawer orderId={orderId} onClose={() => setOrderId(null)} onChanged={list.reload} />
    </Card>
  );
}
