// 分销商申请: review pending applications (approve / reject with a reason); the status is in the URL (?status=).
import { Alert, Button, Card, Segmented, Space, Table } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal, ReasonField } from '../components/FormModal';
import { MemberDrawer } from '../components/MemberDrawer';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useRun, useIsMobile } from '../hooks';
import { useT } from '../i18n';
import type { Application, Items } from '../types';
import { useUrlChoice } from '../url-state';

const STATUSES = ['pending', 'approved', 'rejected'] as const;

export default function ApplicationsPage() {
  const t = useT();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const [status, setStatus] = useUrlChoice('status', STATUSES, 'pending');
  const list = useApi<Items<Application>>('/api/admin/distributor-applications', { status, limit: 100 });
  const [reviewing, setReviewing] = useState<{ app: Application; approve: boolean } | null>(null);
  const [memberId, setMemberId] = useState<number | null>(null);
  const { run } = useRun();

  const review = async (v: { reason?: string }) => {
    if (!reviewing) return false;
    const reason = v.reason?.trim();
    const ok = await run(() => api.post(`/api/admin/distributor-applications/${reviewing.app.id}/review`, { approve: reviewing.approve, ...(reason ? { reason } : {}) }), {
      success: reviewing.approve ? t('applications.approved') : t('applications.rejected'),
    });
    if (ok === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={STATUSES.map((s) => ({ value: s, label: t(`enum.review.${s}`) }))}
        data-testid="applications-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Application>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="applications-table"
        columns={[
          { title: 'ID', dataIndex: 'id', width: 70 },
          { title: t('member.nickname'), dataIndex: 'nickname', render: (n: string, r) => <a onClick={() => setMemberId(r.memberId)}>{n} (#{r.memberId})</a> },
          { title: t('member.phone'), dataIndex: 'phone' },
          { title: t('applications.note'), dataIndex: 'note', render: (v: string | null) => v || '—' },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag group="review" value={s} /> },
          { title: t('applications.appliedAt'), dataIndex: 'createdAt', render: formatDateTime },
          { title: t('applications.reviewReason'), dataIndex: 'reviewReason', render: (v: string | null) => v || '—' },
          {
            title: t('common.actions'),
            key: 'a',
            fixed: mobile ? undefined : 'right',
            width: 150,
            render: (_v, r) =>
              r.status === 'pending' && can('members.write') ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setReviewing({ app: r, approve: true })} data-testid={`application-approve-${r.id}`}>
                    {t('common.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => setReviewing({ app: r, approve: false })} data-testid={`application-reject-${r.id}`}>
                    {t('common.reject')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <FormModal<{ reason?: string }>
        open={!!reviewing}
        title={reviewing ? t(reviewing.approve ? 'applications.approveTitle' : 'applications.rejectTitle', { name: reviewing.app.nickname }) : ''}
        onClose={() => setReviewing(null)}
        onSubmit={review}
        danger={reviewing ? !reviewing.approve : false}
        testId="application-review"
      >
        <ReasonField required={!!reviewing && !reviewing.approve} />
      </FormModal>
      <MemberDrawer memberId={memberId} onClose={() => setMemberId(null)} />
    </Card>
  );
}
