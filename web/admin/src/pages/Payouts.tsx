// 提现审核: withdrawals by status; approve, reject with a reason, retry a failed one (same payout number); export (导出) with the status and a requested-date range.
// Above the two-person line (approvals.payoutSecondApprovalFen) the first approval only marks it; a different
// owner/finance member's approval sends it (strings in features/approvals). The status is in the URL (?status=), and
// ?firstApproved=false keeps to those nobody approved yet (what the dashboard's 待办 counts to review).
import { Alert, App, Button, Card, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal, ReasonField } from '../components/FormModal';
import { MemberDrawer } from '../components/MemberDrawer';
import { ExportButton } from '../components/ExportButton';
import { enumLabel, StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useMemberNames, useRun, useIsMobile } from '../hooks';
import { useFeatureT, useT } from '../i18n';
import type { ReviewedPayout } from '../features/approvals/types';
import { formatFen } from '../../../shared/money';
import { PAYOUT_STATUSES, type Items, type PayoutStatus } from '../types';
import { useUrlChoice } from '../url-state';

const FILTERS: ReadonlyArray<PayoutStatus | 'all'> = [...PAYOUT_STATUSES, 'all'];

type Payout = ReviewedPayout & { memberNickname?: string };

export default function PayoutsPage() {
  const t = useT();
  const ft = useFeatureT();
  const { message } = App.useApp();
  const mobile = useIsMobile();
  const { can, me } = useAuth();
  const writable = can('payouts.write');
  const [status, setStatus] = useUrlChoice('status', FILTERS, 'reviewing');
  const [params] = useSearchParams();
  // only meaningful with reviewing: picking a status drops it
  const unapproved = status === 'reviewing' && params.get('firstApproved') === 'false';
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<Items<Payout>>('/api/admin/payouts', { status: status === 'all' ? undefined : status, firstApproved: unapproved ? 'false' : undefined, limit: pageSize, offset: (page - 1) * pageSize });
  const [rejecting, setRejecting] = useState<Payout | null>(null);
  const [memberId, setMemberId] = useState<number | null>(null);
  const { run } = useRun();
  const items = list.data?.items ?? [];
  const names = useMemberNames(items.filter((p) => !p.memberNickname).map((p) => p.memberId));
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);

  const act = async (p: Payout, kind: 'approve' | 'retry') => {
    const r = await run(() => api.post<Payout>(`/api/admin/payouts/${p.id}/${kind}`));
    if (r === undefined) return;
    // a first approval above the two-person line leaves it reviewing
    message.success(kind === 'retry' ? t('payouts.retriedMsg') : r?.status === 'reviewing' ? ft('approvals.payout.firstApprovedMsg') : t('payouts.approvedMsg'));
    list.reload();
  };

  const approveConfirm = (r: Payout) => {
    const amount = formatFen(r.amountFen);
    if (!r.secondApprovalRequired) return t('payouts.approveConfirm', { amount });
    if (r.firstApprovedBy === null) return ft('approvals.payout.firstApproveConfirm', { amount });
    return ft('approvals.payout.secondApproveConfirm', { amount, name: r.firstApprovedByName ?? `#${r.firstApprovedBy}` });
  };
  const approveLabel = (r: Payout) => (!r.secondApprovalRequired ? t('common.approve') : ft(r.firstApprovedBy === null ? 'approvals.payout.firstApprove' : 'approvals.payout.secondApprove'));

  const reject = async (v: { reason: string }) => {
    if (!rejecting) return false;
    const r = await run(() => api.post(`/api/admin/payouts/${rejecting.id}/reject`, { reason: v.reason.trim() }), { success: t('payouts.rejectedMsg') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap style={{ maxWidth: '100%' }}>
          <Segmented
            style={{ maxWidth: '100%', overflowX: 'auto' }}
            value={status}
            onChange={(v) => {
              setStatus(v as typeof status, ['firstApproved']);
              setPage(1);
            }}
            options={[...PAYOUT_STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'payout', s) })), { value: 'all', label: t('common.all') }]}
            data-testid="payouts-status"
          />
          {unapproved && (
            <Tag closable onClose={() => setStatus(status, ['firstApproved'])} data-testid="payouts-filter-unapproved">
              {ft('todo.filter.notFirstApproved')}
            </Tag>
          )}
        </Space>
        <ExportButton path="/api/admin/payouts/export" filters={{ status: status === 'all' ? undefined : status }} fileName="payouts" title="export.payoutsTitle" rangeLabel="export.rangeRequested" testId="payouts-export" />
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Payout>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1720 }}
        data-testid="payouts-table"
        onRow={(r) => ({ 'data-testid': `payout-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('payouts.no'), dataIndex: 'payoutNo', width: 210, fixed: mobile ? undefined : 'left' },
          { title: t('payouts.member'), dataIndex: 'memberId', width: 160, render: (id: number, r) => <a onClick={() => setMemberId(id)}>{(r.memberNickname ?? names[id]) ? `${r.memberNickname ?? names[id]} ` : ''}#{id}</a> },
          { title: t('common.amount'), dataIndex: 'amountFen', width: 110, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 170,
            render: (s: string, r) => (
              <Space orientation="vertical" size={0}>
                <StatusTag group="payout" value={s} />
                {r.autoApproved && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('payouts.auto')}</Typography.Text>}
                {s === 'reviewing' && r.firstApprovedBy !== null && (
                  <Tag color="purple" style={{ marginTop: 4, whiteSpace: 'normal' }} data-testid={`payout-first-approved-${r.id}`}>{ft('approvals.payout.firstApproved', { name: r.firstApprovedByName ?? `#${r.firstApprovedBy}` })}</Tag>
                )}
                {s === 'reviewing' && r.firstApprovedBy === null && r.secondApprovalRequired && <Tag color="orange" style={{ marginTop: 4, whiteSpace: 'normal' }}>{ft('approvals.payout.needsTwo')}</Tag>}
              </Space>
            ),
          },
          { title: t('payouts.fee'), dataIndex: 'feeFen', width: 90, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('payouts.net'), dataIndex: 'netFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          {
            title: t('payouts.destination'),
            key: 'dest',
            width: 220,
            render: (_v, r) => (
              <div>
                <Tag>{enumLabel(t, 'channel', r.channel)}</Tag>
                <span style={{ fontSize: 12 }}>{Object.values(r.destination ?? {}).join(' · ')}</span>
              </div>
            ),
          },
          { title: t('payouts.attempts'), dataIndex: 'attempts', width: 70, align: 'right' },
          { title: t('payouts.note'), key: 'note', width: 200, render: (_v, r) => r.rejectReason ?? r.failureReason ?? '—' },
          { title: t('payouts.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          {
            title: t('common.actions'),
            key: 'a',
            width: 200,
            fixed: mobile ? undefined : 'right',
            render: (_v, r) => {
              if (!writable) return null;
              if (r.status === 'reviewing')
                return (
                  <Space wrap>
                    {r.firstApprovedBy !== null && r.firstApprovedBy === me?.id ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`payout-waiting-${r.id}`}>{ft('approvals.payout.waitingOther')}</Typography.Text>
                    ) : (
                      <Popconfirm title={approveConfirm(r)} onConfirm={() => act(r, 'approve')} okButtonProps={{ 'data-testid': `payout-approve-confirm-${r.id}` }}>
                        <Button size="small" type="primary" data-testid={`payout-approve-${r.id}`}>
                          {approveLabel(r)}
                        </Button>
                      </Popconfirm>
                    )}
                    <Button size="small" danger onClick={() => setRejecting(r)} data-testid={`payout-reject-${r.id}`}>
                      {t('common.reject')}
                    </Button>
                  </Space>
                );
              if (r.status === 'failed')
                return (
                  <Popconfirm title={t('payouts.retryConfirm')} onConfirm={() => act(r, 'retry')}>
                    <Button size="small" data-testid={`payout-retry-${r.id}`}>{t('payouts.retry')}</Button>
                  </Popconfirm>
                );
              return null;
            },
          },
        ]}
      />
      <FormModal<{ reason: string }>
        open={rejecting !== null}
        title={rejecting ? t('payouts.rejectTitle', { no: rejecting.payoutNo, amount: formatFen(rejecting.amountFen) }) : ''}
        onClose={() => setRejecting(null)}
        onSubmit={reject}
        danger
        testId="payout-reject-form"
      >
        <Typography.Paragraph type="secondary">{t('payouts.rejectHint')}</Typography.Paragraph>
        <ReasonField />
      </FormModal>
      <MemberDrawer memberId={memberId} onClose={() => setMemberId(null)} />
    </Card>
  );
}
