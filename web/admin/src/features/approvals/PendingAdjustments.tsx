// Adjustments above the two-person line (src/modules/approvals/adjustments.ts), shown on 佣金调整: another
// owner/finance member approves (commission then credits under the maker's key, once) or rejects them; the
// maker sees "waiting for a second approver" and may withdraw their own. Also the line in force as a hint.
import { Alert, Button, Card, Empty, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal, ReasonField } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { AdjustmentApproval, ApprovalLines } from './types';

const DECIDERS = ['owner', 'finance'];
/** the server takes up a claim whose crediting did not finish after this long (CLAIM_STALE_MS) */
const CLAIM_STALE_MS = 60_000;
const STATUS_COLORS: Record<AdjustmentApproval['status'], string> = { pending: 'gold', approved: 'processing', applied: 'success', rejected: 'default', failed: 'error' };

/** The two-person lines in force (the rules' approvals section). */
export function useApprovalLines(): ApprovalLines | undefined {
  const rules = useApi<{ current: { config: { approvals?: ApprovalLines } } }>('/api/admin/rules');
  return rules.data?.current.config.approvals;
}

export function AdjustmentLineHint({ lines }: { lines: ApprovalLines | undefined }) {
  const t = useFeatureT();
  if (!lines) return null;
  const text = lines.adjustmentSecondApprovalFen > 0 ? t('approvals.adjust.lineHint', { line: formatFen(lines.adjustmentSecondApprovalFen) }) : t('approvals.adjust.lineOff');
  return <Alert type="info" showIcon title={text} style={{ marginBottom: 16 }} data-testid="adjust-line-hint" />;
}

export function StatusOfApproval({ status }: { status: AdjustmentApproval['status'] }) {
  const t = useFeatureT();
  return <Tag color={STATUS_COLORS[status]}>{t(`approvals.status.${status}`)}</Tag>;
}

/** refreshKey reloads the list; onApplied is told when an approval credited the member. */
export function PendingAdjustments({ refreshKey, onApplied }: { refreshKey: number; onApplied?: () => void }) {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const list = useApi<{ items: AdjustmentApproval[] }>('/api/admin/adjustment-approvals', { open: 'true', limit: 100 });
  const decided = useApi<{ items: AdjustmentApproval[] }>('/api/admin/adjustment-approvals', { limit: 10 });
  const { run } = useRun();
  const [rejecting, setRejecting] = useState<AdjustmentApproval | null>(null);
  const mayDecide = !!me?.hqRole && DECIDERS.includes(me.hqRole);
  const { reload: reloadOpen } = list;
  const { reload: reloadDecided } = decided;
  const reload = useCallback(() => {
    reloadOpen();
    reloadDecided();
  }, [reloadOpen, reloadDecided]);

  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);

  const approve = async (a: AdjustmentApproval) => {
    const done = await run(() => api.post(`/api/admin/adjustment-approvals/${a.id}/approve`, {}), { success: t('approvals.approvedMsg') });
    reload();
    if (done !== undefined) onApplied?.();
  };
  const decline = async (a: AdjustmentApproval, reason: string, success: string) => {
    const done = await run(() => api.post(`/api/admin/adjustment-approvals/${a.id}/reject`, { reason }), { success });
    reload();
    return done !== undefined;
  };

  const actionsFor = (a: AdjustmentApproval): ReactNode => {
    const mine = a.requestedBy === me?.id;
    if (a.status === 'pending' && mine)
      return (
        <Space wrap>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.waitingOther')}</Typography.Text>
          <Popconfirm title={t('approvals.withdrawConfirm')} onConfirm={() => decline(a, t('approvals.withdrawReason'), t('approvals.withdrawnMsg'))}>
            <Button size="small" data-testid={`adjust-approval-withdraw-${a.id}`}>{t('approvals.withdraw')}</Button>
          </Popconfirm>
        </Space>
      );
    if (!mayDecide || mine) return a.status === 'pending' ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.onlyMoneyRoles')}</Typography.Text> : null;
    if (a.status === 'pending')
      return (
        <Space wrap>
          <Popconfirm title={t('approvals.approveConfirm')} onConfirm={() => approve(a)} okButtonProps={{ 'data-testid': `adjust-approval-approve-confirm-${a.id}` }}>
            <Button size="small" type="primary" data-testid={`adjust-approval-approve-${a.id}`}>{coreT('common.approve')}</Button>
          </Popconfirm>
          <Button size="small" danger onClick={() => setRejecting(a)} data-testid={`adjust-approval-reject-${a.id}`}>{coreT('common.reject')}</Button>
        </Space>
      );
    const stuck = a.status === 'approved' && !!a.decidedAt && Date.now() - new Date(a.decidedAt).getTime() > CLAIM_STALE_MS;
    if (stuck)
      return (
        <Space wrap>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.adjust.retryHint')}</Typography.Text>
          <Button size="small" onClick={() => approve(a)} data-testid={`adjust-approval-retry-${a.id}`}>{t('approvals.adjust.retry')}</Button>
        </Space>
      );
    return null;
  };

  const open = list.data?.items ?? [];
  const recent = (decided.data?.items ?? []).filter((a) => a.status !== 'pending' && a.status !== 'approved').slice(0, 5);
  const renderItem = (a: AdjustmentApproval) => (
    <List.Item data-testid={`adjust-approval-${a.id}`} style={{ display: 'block' }}>
      <Space wrap size={6} style={{ marginBottom: 4 }}>
        <Typography.Text strong>#{a.id}</Typography.Text>
        <StatusOfApproval status={a.status} />
        <Typography.Text strong type={a.amountFen < 0 ? 'danger' : 'success'}>{a.amountFen > 0 ? '+' : ''}{formatFen(a.amountFen)}</Typography.Text>
        <span>{a.memberNickname ?? ''} #{a.memberId}</span>
      </Space>
      <div style={{ fontSize: 12 }}>{a.reason}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('approvals.adjust.requested', { name: a.requestedByName ?? `#${a.requestedBy}`, time: formatDateTime(a.requestedAt) })}
        {a.decidedBy !== null && ` · ${t('approvals.adjust.decided', { name: a.decidedByName ?? `#${a.decidedBy}`, time: formatDateTime(a.decidedAt) })}`}
        {a.decisionReason && ` · ${a.decisionReason}`}
        {a.failure && ` · ${a.failure}`}
      </Typography.Text>
      <div style={{ marginTop: 6 }}>{actionsFor(a)}</div>
    </List.Item>
  );

  return (
    <Card title={t('approvals.adjust.pendingList')} size="small" style={{ marginTop: 16 }} data-testid="adjust-approvals" extra={open.length > 0 && <Tag color="orange">{open.length}</Tag>}>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 8 }} />}
      {open.length === 0 && !list.loading ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.none')} /> : <List size="small" loading={list.loading} dataSource={open} renderItem={renderItem} />}
      {recent.length > 0 && (
        <>
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>{t('approvals.adjust.recent')}</Typography.Text>
          <List size="small" dataSource={recent} renderItem={renderItem} />
        </>
      )}
      {/* its own field name: the adjustment form on the same page has a `reason` (field ids must differ) */}
      <FormModal<{ decisionReason: string }>
        open={rejecting !== null}
        title={rejecting ? t('approvals.rejectTitle', { what: `${t('approvals.kind.adjustment')} #${rejecting.id}（${formatFen(rejecting.amountFen)}）` }) : ''}
        onClose={() => setRejecting(null)}
        onSubmit={(v) => (rejecting ? decline(rejecting, v.decisionReason.trim(), t('approvals.rejectedMsg')) : Promise.resolve(false))}
        danger
        testId="adjust-approval-reject-form"
      >
        <ReasonField name="decisionReason" />
      </FormModal>
    </Card>
  );
}
