// 售后: buyers' after-sales requests. Support approves a refund only (the refund opens) or a return
// (the buyer is told where to send it), rejects with a reason, and confirms a return arrived (the
// refund opens then) or refuses what came back. Each open request shows the merchant's deadline
// (逾期自动同意: reviewDueAt while pending, receiveDueAt while the return is on its way back); one past
// its deadline that the job could not decide (no return address) waits for a person.
import { Alert, Button, Card, Form, Input, Result, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { ExportButton } from '../components/ExportButton';
import { FormModal, ReasonField } from '../components/FormModal';
import { OrderDrawer } from '../components/OrderDrawer';
import { enumLabel, StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useRun, useIsMobile } from '../hooks';
import { useT } from '../i18n';
import { formatFen } from '../../../shared/money';
import type { Items, RefundRequest } from '../types';
import { useUrlChoice } from '../url-state';

/** the merchant's deadline that applies now, or that the job left it to a person */
function Deadline({ r }: { r: RefundRequest }) {
  const t = useT();
  const step = r.status === 'pending' ? { at: r.reviewDueAt, key: 'afterSales.reviewDue' as const } : r.status === 'returning' ? { at: r.receiveDueAt, key: 'afterSales.receiveDue' as const } : null;
  if (!step) return <>—</>;
  if (!step.at) return <Typography.Text type="danger" data-testid={`refund-request-overdue-${r.id}`}>{t('afterSales.overdueHint')}</Typography.Text>;
  const soon = new Date(step.at).getTime() - Date.now() < 86_400_000;
  return (
    <Typography.Text type={soon ? 'warning' : 'secondary'} data-testid={`refund-request-due-${r.id}`}>
      {t(step.key, { at: formatDateTime(step.at) })}
    </Typography.Text>
  );
}

const requested = (r: RefundRequest) => (r.lines ?? []).reduce((n, l) => n + l.amountFen, 0) + (r.shippingFen ?? 0);
const FILTERS = ['pending', 'returning', 'awaiting_return', 'approved', 'rejected'] as const;
type Filter = (typeof FILTERS)[number] | 'all';
const CHOICES: readonly Filter[] = [...FILTERS, 'all'];
/** what the reviewer is deciding: review (pending) or receive (returning); yes or no */
type Deciding = { req: RefundRequest; step: 'review' | 'receive'; yes: boolean };
interface DecisionForm {
  reason?: string;
  returnAddress?: { name: string; phone: string; address: string };
}

/** whose queue: HQ's (every request) or a supplier's (its own lines; it names its own return address) */
type Desk = 'admin' | 'supplier';

function DecisionModal({ desk, deciding, onClose, onDone }: { desk: Desk; deciding: Deciding | null; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { run } = useRun();
  const rules = useApi<{ current: { config: { order: { returnAddress?: { name: string; phone: string; address: string } } } } }>(deciding && desk === 'admin' ? '/api/admin/rules' : null);
  const approvingReturn = !!deciding && deciding.step === 'review' && deciding.yes && deciding.req.kind === 'return_refund';
  const submit = async (v: DecisionForm) => {
    if (!deciding) return false;
    const reason = v.reason?.trim();
    const { req, step, yes } = deciding;
    const body = step === 'review' ? { approve: yes, ...(reason ? { reason } : {}), ...(approvingReturn && v.returnAddress ? { returnAddress: v.returnAddress } : {}) } : { accept: yes, ...(reason ? { reason } : {}) };
    const success = !yes ? t('refundRequests.rejectedMsg') : approvingReturn ? t('afterSales.awaitingMsg') : step === 'receive' ? t('afterSales.receivedMsg') : t('refundRequests.approvedMsg');
    const res = await run(() => api.post(`/api/${desk}/refund-requests/${req.id}/${step}`, body), { success });
    if (res === undefined) return false;
    onDone();
    return true;
  };
  if (!deciding) return null;
  const { req, step, yes } = deciding;
  const title =
    step === 'receive' ? t(yes ? 'afterSales.receiveTitle' : 'afterSales.refuseTitle', { id: req.id }) : approvingReturn ? t('afterSales.approveReturnTitle', { id: req.id }) : t(yes ? 'refundRequests.approveTitle' : 'refundRequests.rejectTitle', { id: req.id });
  return (
    <FormModal<DecisionForm> open title={title} onClose={onClose} onSubmit={submit} danger={!yes} testId="refund-request-review" initialValues={{ returnAddress: rules.data?.current.config.order.returnAddress }} width={560}>
      <Typography.Paragraph>
        {step === 'receive' ? t('afterSales.receiveHint', { amount: formatFen(requested(req)) }) : approvingReturn ? t('afterSales.approveReturnHint') : t('refundRequests.summary', { order: req.orderNo, amount: formatFen(requested(req)) })}
      </Typography.Paragraph>
      {approvingReturn && (
        <>
          <Form.Item name={['returnAddress', 'name']} label={t('afterSales.returnName')} rules={[{ required: true, whitespace: true, max: 50 }]}>
            <Input maxLength={50} data-testid="return-address-name" />
          </Form.Item>
          <Form.Item name={['returnAddress', 'phone']} label={t('afterSales.returnPhone')} rules={[{ required: true, min: 5, max: 30 }]}>
            <Input maxLength={30} data-testid="return-address-phone" />
          </Form.Item>
          <Form.Item name={['returnAddress', 'address']} label={t('afterSales.returnAddress')} rules={[{ required: true, min: 5, max: 200 }]}>
            <Input.TextArea maxLength={200} rows={2} data-testid="return-address-address" />
          </Form.Item>
        </>
      )}
      {approvingReturn && desk === 'supplier' && <Typography.Paragraph type="secondary">{t('afterSales.supplierAddressKept')}</Typography.Paragraph>}
      <ReasonField required={!yes} />
    </FormModal>
  );
}

export default function RefundRequestsPage() {
  return <AfterSalesQueue desk="admin" />;
}

export function AfterSalesQueue({ desk }: { desk: Desk }) {
  const t = useT();
  const mobile = useIsMobile();
  const { can } = useAuth();
  // in the URL (?status=): the dashboard's 待办 opens the pending ones and the returns on their way back
  const [status, setStatus] = useUrlChoice('status', CHOICES, 'pending');
  const list = useApi<Items<RefundRequest>>(`/api/${desk}/refund-requests`, { status: status === 'all' ? undefined : status, limit: 100 });
  const [orderId, setOrderId] = useState<number | null>(null);
  const [deciding, setDeciding] = useState<Deciding | null>(null);

  if (list.error?.status === 404) {
    return <Result status="info" title={t('refundRequests.unavailable')} subTitle={t('refundRequests.unavailableHint')} data-testid="refund-requests-unavailable" />;
  }

  const actions = (r: RefundRequest) => {
    if (desk === 'admin' && !can('orders.refund')) return null;
    const step = r.status === 'pending' ? 'review' : r.status === 'returning' ? 'receive' : null;
    if (!step) return null;
    return (
      <Space>
        <Button size="small" type="primary" onClick={() => setDeciding({ req: r, step, yes: true })} data-testid={`refund-request-approve-${r.id}`}>
          {step === 'receive' ? t('afterSales.receive') : t('common.approve')}
        </Button>
        <Button size="small" danger onClick={() => setDeciding({ req: r, step, yes: false })} data-testid={`refund-request-reject-${r.id}`}>
          {step === 'receive' ? t('afterSales.refuse') : t('common.reject')}
        </Button>
      </Space>
    );
  };

  return (
    <Card
      title={t('afterSales.title')}
      extra={<ExportButton path="/api/admin/refund-requests/export" filters={{ status: status === 'all' ? undefined : status }} fileName="after-sales" title="export.afterSalesTitle" rangeLabel="export.rangeRequested" testId="refund-requests-export" />}
    >
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as Filter)}
        options={[...FILTERS.map((s) => ({ value: s, label: enumLabel(t, 'afterSales', s) })), { value: 'all', label: t('common.all') }]}
        data-testid="refund-requests-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<RefundRequest>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1500 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="refund-requests-table"
        columns={[
          { title: 'ID', dataIndex: 'id', width: 64 },
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 200, render: (no: string, r) => (desk === 'admin' ? <a onClick={() => setOrderId(r.orderId)}>{no}</a> : no) },
          { title: t('afterSales.kind'), dataIndex: 'kind', width: 100, render: (k: string) => <Tag color={k === 'return_refund' ? 'purple' : 'blue'}>{t.maybe(`afterSales.kind.${k}`) ?? k}</Tag> },
          { title: t('refundRequests.amount'), key: 'amt', width: 110, align: 'right', render: (_v, r) => formatFen(requested(r)) },
          { title: t('afterSales.reasonCode'), dataIndex: 'reasonCode', width: 140, render: (c: string) => t.maybe(`afterSales.reason.${c}`) ?? c },
          { title: t('common.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('common.status'), dataIndex: 'status', width: 110, render: (s: string) => <StatusTag group="afterSales" value={s} /> },
          { title: t('afterSales.deadline'), key: 'due', width: 220, render: (_v, r) => <Deadline r={r} /> },
          {
            title: t('afterSales.return'),
            key: 'ret',
            width: 200,
            render: (_v, r) =>
              r.returnTrackingNo ? (
                <Typography.Text copyable={{ text: r.returnTrackingNo }} data-testid={`refund-request-return-${r.id}`}>
                  {r.returnCarrierName} {r.returnTrackingNo}
                </Typography.Text>
              ) : r.status === 'awaiting_return' ? (
                <Typography.Text type="secondary">{t('afterSales.returnDue', { at: formatDateTime(r.returnDueAt) })}</Typography.Text>
              ) : (
                '—'
              ),
          },
          { title: t('common.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: t('applications.reviewReason'), dataIndex: 'reviewReason', render: (v: string | null) => v || '—' },
          { title: t('common.actions'), key: 'a', width: 190, fixed: mobile ? undefined : 'right', render: (_v, r) => actions(r) },
        ]}
      />
      <DecisionModal desk={desk} deciding={deciding} onClose={() => setDeciding(null)} onDone={list.reload} />
      {desk === 'admin' && <OrderDrawer orderId={orderId} onClose={() => setOrderId(null)} onChanged={list.reload} />}
    </Card>
  );
}
