// 上架审核 (HQ): suppliers' product proposals; approving puts the product on sale, settled to the
// supplier at the proposed supply prices; rejecting tells the supplier why. The status is in the URL (?status=).
import { Alert, Button, Card, Popconfirm, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal, ReasonField } from '../../components/FormModal';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { Items } from '../../types';
import { ProposalTable } from './ProposalTable';
import type { Proposal, ProposalStatus } from './types';
import { useUrlChoice } from '../../url-state';

const STATUSES = ['pending', 'approved', 'rejected'] as const;
const FILTERS: ReadonlyArray<ProposalStatus | 'all'> = [...STATUSES, 'all'];

export default function ProposalsPage() {
  const ft = useFeatureT();
  const t = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const [status, setStatus] = useUrlChoice('status', FILTERS, 'pending');
  const list = useApi<Items<Proposal>>('/api/admin/supplier-proposals', { status: status === 'all' ? undefined : status, limit: 100 });
  const [rejecting, setRejecting] = useState<Proposal | null>(null);
  const { run } = useRun();

  const approve = async (p: Proposal) => {
    const r = await run(() => api.post(`/api/admin/supplier-proposals/${p.id}/approve`), { success: ft('suppliers.approved') });
    if (r !== undefined) list.reload();
  };
  const reject = async (v: { reason: string }) => {
    if (!rejecting) return false;
    const r = await run(() => api.post(`/api/admin/supplier-proposals/${rejecting.id}/reject`, { reason: v.reason.trim() }), { success: ft('suppliers.rejected') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card title={ft('suppliers.nav.proposals')}>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[...STATUSES.map((s) => ({ value: s, label: ft(`suppliers.proposal.${s}`) })), { value: 'all', label: t('common.all') }]}
        data-testid="proposals-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <ProposalTable
        items={list.data?.items ?? []}
        loading={list.loading}
        testId="proposals-table"
        showSupplier
        actions={(p) =>
          writable && p.status === 'pending' ? (
            <Space>
              <Popconfirm title={ft('suppliers.approveConfirm', { title: p.title })} onConfirm={() => approve(p)} okButtonProps={{ 'data-testid': `proposal-approve-confirm-${p.id}` }}>
                <Button size="small" type="primary" data-testid={`proposal-approve-${p.id}`}>{t('common.approve')}</Button>
              </Popconfirm>
              <Button size="small" danger onClick={() => setRejecting(p)} data-testid={`proposal-reject-${p.id}`}>{t('common.reject')}</Button>
            </Space>
          ) : null
        }
      />
      <FormModal<{ reason: string }> open={rejecting !== null} title={rejecting ? ft('suppliers.rejectTitle', { title: rejecting.title }) : ''} onClose={() => setRejecting(null)} onSubmit={reject} danger testId="proposal-reject-form">
        <Typography.Paragraph type="secondary">{ft('suppliers.rejectHint')}</Typography.Paragraph>
        <ReasonField />
      </FormModal>
    </Card>
  );
}
