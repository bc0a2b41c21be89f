// 笔记审核: every member note (种草) with likes and reward; HQ hides one (reason, audited) or shows it again.
import { Alert, Button, Card, Image, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { FormModal, ReasonField } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { useLoyaltyWritable, type Note } from './shared';

export default function NotesPage() {
  const ft = useFeatureT();
  const t = useT();
  const writable = useLoyaltyWritable();
  const { run } = useRun();
  const [status, setStatus] = useState<'visible' | 'hidden' | 'all'>('all');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<{ total: number; items: Note[] }>('/api/admin/loyalty/notes', { status: status === 'all' ? undefined : status, limit: pageSize, offset: (page - 1) * pageSize });
  const [hiding, setHiding] = useState<Note | null>(null);

  const hide = async (v: { reason: string }) => {
    const r = await run(() => api.post(`/api/admin/loyalty/notes/${hiding!.id}/hide`, { reason: v.reason.trim() }), { success: t('common.done') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };
  const show = async (n: Note) => {
    const r = await run(() => api.post(`/api/admin/loyalty/notes/${n.id}/show`), { success: t('common.done') });
    if (r !== undefined) list.reload();
  };

  return (
    <Card>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => { setStatus(v as typeof status); setPage(1); }}
        options={[{ value: 'all', label: t('common.all') }, { value: 'visible', label: ft('loyalty.notes.visible') }, { value: 'hidden', label: ft('loyalty.notes.hidden') }]}
        data-testid="notes-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Note>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        data-testid="notes-table"
        onRow={(r) => ({ 'data-testid': `note-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          {
            title: ft('loyalty.notes.note'),
            key: 'n',
            render: (_v, r) => (
              <Space orientation="vertical" size={4}>
                <Typography.Text strong>{r.title}</Typography.Text>
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0, maxWidth: 420 }}>{r.body}</Typography.Paragraph>
                {r.photoUrls.length > 0 && (
                  <Image.PreviewGroup>
                    <Space size={4}>{r.photoUrls.slice(0, 4).map((u) => <Image key={u} src={u} width={40} height={40} style={{ objectFit: 'cover' }} />)}</Space>
                  </Image.PreviewGroup>
                )}
              </Space>
            ),
          },
          { title: ft('loyalty.notes.author'), key: 'a', width: 140, render: (_v, r) => `${r.authorName} #${r.authorId}` },
          { title: ft('loyalty.notes.product'), dataIndex: 'productTitle', width: 140, render: (v: string | null) => v ?? '—' },
          { title: ft('loyalty.notes.likes'), dataIndex: 'likeCount', width: 70, align: 'right' },
          {
            title: ft('loyalty.notes.reward'),
            key: 'rw',
            width: 150,
            render: (_v, r) => (r.rewardedAt ? <Tag color="gold">{[r.rewardPoints ? `${r.rewardPoints} ${ft('loyalty.col.points')}` : null, r.rewardCashFen ? formatFen(r.rewardCashFen) : null].filter(Boolean).join(' + ')}</Tag> : '—'),
          },
          { title: t('common.status'), dataIndex: 'status', width: 120, render: (v: string, r) => (v === 'visible' ? <Tag color="green">{ft('loyalty.notes.visible')}</Tag> : <Space orientation="vertical" size={0}><Tag>{ft('loyalty.notes.hidden')}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.hiddenReason}</Typography.Text></Space>) },
          { title: ft('loyalty.col.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          {
            title: t('common.actions'),
            key: 'act',
            width: 100,
            render: (_v, r) =>
              writable &&
              (r.status === 'visible' ? (
                <Button size="small" danger onClick={() => setHiding(r)} data-testid={`note-hide-${r.id}`}>{ft('loyalty.notes.hide')}</Button>
              ) : (
                <Popconfirm title={ft('loyalty.notes.showConfirm')} onConfirm={() => show(r)}>
                  <Button size="small" data-testid={`note-show-${r.id}`}>{ft('loyalty.notes.show')}</Button>
                </Popconfirm>
              )),
          },
        ]}
      />
      <FormModal<{ reason: string }> open={hiding !== null} title={ft('loyalty.notes.hide')} onClose={() => setHiding(null)} onSubmit={hide} danger testId="note-hide-form">
        <ReasonField />
      </FormModal>
    </Card>
  );
}
