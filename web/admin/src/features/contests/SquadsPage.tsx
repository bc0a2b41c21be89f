// 战队与标签: member tags, captain candidates by tag and sales, squads with their members.
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen, parseYuanToFen } from '../../../../shared/money';
import type { Candidate, SquadDetail, SquadRow } from './types';

interface Tagged {
  memberId: number;
  nickname: string;
  phone: string;
  tags: string[];
}

export default function SquadsPage() {
  const t = useFeatureT();
  const tc = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const { run } = useRun();
  const [page, setPage] = useState(1);
  const squads = useApi<{ total: number; items: SquadRow[] }>('/api/admin/squads', { limit: 20, offset: (page - 1) * 20 });
  const tags = useApi<{ items: Array<{ tag: string; members: number }> }>('/api/admin/member-tags');
  const [tagFilter, setTagFilter] = useState<string | undefined>();
  const tagged = useApi<{ total: number; items: Tagged[] }>('/api/admin/member-tags/members', { tag: tagFilter, limit: 50 });
  const [editingTags, setEditingTags] = useState<{ memberId: number | null; tags: string[] } | null>(null);
  const [creating, setCreating] = useState<{ captainId?: number } | null>(null);
  const [openSquad, setOpenSquad] = useState<number | null>(null);
  const [search, setSearch] = useState<{ tag?: string; range: [Dayjs, Dayjs]; minYuan: string }>({ range: [dayjs().subtract(30, 'day'), dayjs()], minYuan: '' });
  const candidates = useApi<{ items: Candidate[] }>('/api/admin/squads/captain-candidates', {
    tag: search.tag,
    from: search.range[0].toISOString(),
    to: search.range[1].toISOString(),
    minSalesFen: parseYuanToFen(search.minYuan) ?? 0,
    limit: 20,
  });

  const saveTags = async (v: { memberId: number; tags: string[] }) => {
    const r = await run(() => api.put(`/api/admin/member-tags/${v.memberId}`, { tags: v.tags ?? [] }), { success: t('contests.saved') });
    if (r === undefined) return false;
    tags.reload();
    tagged.reload();
    candidates.reload();
    return true;
  };

  const createSquad = async (v: { name: string; captainId: number }) => {
    const r = await run(() => api.post('/api/admin/squads', v), { success: t('contests.saved') });
    if (r === undefined) return false;
    squads.reload();
    candidates.reload();
    return true;
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('contests.tags.title')}
        extra={writable && <Button onClick={() => setEditingTags({ memberId: null, tags: [] })} data-testid="contest-tags-add">{t('contests.tags.set')}</Button>}
      >
        <Space wrap style={{ marginBottom: 12 }} data-testid="contest-tag-list">
          <Tag.CheckableTag checked={!tagFilter} onChange={() => setTagFilter(undefined)}>{t('contests.all')}</Tag.CheckableTag>
          {(tags.data?.items ?? []).map((x) => (
            <Tag.CheckableTag key={x.tag} checked={tagFilter === x.tag} onChange={() => setTagFilter(x.tag)}>
              {x.tag} ({x.members})
            </Tag.CheckableTag>
          ))}
        </Space>
        <Table<Tagged>
          rowKey="memberId"
          size="small"
          loading={tagged.loading}
          dataSource={tagged.data?.items ?? []}
          pagination={false}
          data-testid="contest-tagged-table"
          columns={[
            { title: t('contests.member'), key: 'm', render: (_v, r) => `${r.nickname} #${r.memberId}` },
            { title: t('contests.phone'), dataIndex: 'phone' },
            { title: t('contests.tags.title'), dataIndex: 'tags', render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
            ...(writable ? [{ title: '', key: 'a', width: 90, render: (_v: unknown, r: Tagged) => <Button size="small" onClick={() => setEditingTags({ memberId: r.memberId, tags: r.tags })}>{t('contests.edit')}</Button> }] : []),
          ]}
        />
      </Card>

      <Card title={t('contests.candidates.title')}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select allowClear placeholder={t('contests.candidates.tag')} style={{ width: 160 }} value={search.tag} onChange={(tag) => setSearch({ ...search, tag })} options={(tags.data?.items ?? []).map((x) => ({ value: x.tag, label: x.tag }))} data-testid="candidates-tag" />
          <DatePicker.RangePicker showTime value={search.range} onChange={(v) => v?.[0] && v[1] && setSearch({ ...search, range: [v[0], v[1]] })} />
          <Input style={{ width: 160 }} prefix="¥" placeholder={t('contests.candidates.minSales')} value={search.minYuan} onChange={(e) => setSearch({ ...search, minYuan: e.target.value })} data-testid="candidates-min" />
        </Space>
        {candidates.error && <Alert type="error" showIcon title={describeError(candidates.error, tc)} style={{ marginBottom: 12 }} />}
        <Table<Candidate>
          rowKey="memberId"
          size="small"
          loading={candidates.loading}
          dataSource={candidates.data?.items ?? []}
          pagination={false}
          data-testid="candidates-table"
          columns={[
            { title: t('contests.member'), key: 'm', render: (_v, r) => `${r.nickname} #${r.memberId}` },
            { title: t('contests.phone'), dataIndex: 'phone' },
            { title: t('contests.tags.title'), dataIndex: 'tags', render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
            { title: t('contests.candidates.sales'), dataIndex: 'salesFen', align: 'right', render: (v: number) => formatFen(v) },
            {
              title: '',
              key: 'a',
              width: 150,
              render: (_v, r) =>
                r.squadId ? <Typography.Text type="secondary">{t('contests.candidates.inSquad', { id: r.squadId })}</Typography.Text> : writable ? <Button size="small" type="primary" onClick={() => setCreating({ captainId: r.memberId })} data-testid={`candidate-make-captain-${r.memberId}`}>{t('contests.candidates.makeCaptain')}</Button> : null,
            },
          ]}
        />
      </Card>

      <Card title={t('contests.squads.title')} extra={writable && <Button type="primary" onClick={() => setCreating({})} data-testid="squad-create">{t('contests.squads.create')}</Button>}>
        {squads.error && <Alert type="error" showIcon title={describeError(squads.error, tc)} style={{ marginBottom: 12 }} />}
        <Table<SquadRow>
          rowKey="id"
          loading={squads.loading}
          dataSource={squads.data?.items ?? []}
          data-testid="squads-table"
          onRow={(r) => ({ 'data-testid': `squad-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: 20, total: squads.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          columns={[
            { title: t('contests.squads.name'), dataIndex: 'name', render: (v: string, r) => <a onClick={() => setOpenSquad(r.id)}>{v}</a> },
            { title: t('contests.squads.captain'), key: 'c', render: (_v, r) => `${r.captainNickname} #${r.captainId}` },
            { title: t('contests.squads.members'), dataIndex: 'memberCount', align: 'right' },
            { title: t('contests.squads.inviteCode'), dataIndex: 'inviteCode', render: (v: string) => <Typography.Text copyable code>{v}</Typography.Text> },
            { title: t('contests.squads.state'), dataIndex: 'locked', render: (v: boolean) => (v ? <Tag color="orange">{t('contests.squads.locked')}</Tag> : <Tag>{t('contests.squads.open')}</Tag>) },
            { title: t('contests.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
          ]}
        />
      </Card>

      <FormModal<{ memberId: number; tags: string[] }>
        open={editingTags !== null}
        title={t('contests.tags.set')}
        onClose={() => setEditingTags(null)}
        onSubmit={saveTags}
        initialValues={editingTags ? { memberId: editingTags.memberId ?? undefined, tags: editingTags.tags } : undefined}
        testId="contest-tags-form"
      >
        <Form.Item name="memberId" label={t('contests.member')} rules={[{ required: true }]}>
          <MemberSelect testId="contest-tags-member" />
        </Form.Item>
        <Form.Item name="tags" label={t('contests.tags.title')}>
          <Select mode="tags" maxCount={20} options={(tags.data?.items ?? []).map((x) => ({ value: x.tag, label: x.tag }))} data-testid="contest-tags-select" />
        </Form.Item>
      </FormModal>

      <FormModal<{ name: string; captainId: number }>
        open={creating !== null}
        title={t('contests.squads.create')}
        onClose={() => setCreating(null)}
        onSubmit={createSquad}
        initialValues={creating ?? undefined}
        testId="squad-form"
      >
        <Form.Item name="name" label={t('contests.squads.name')} rules={[{ required: true, max: 40 }]}>
          <Input maxLength={40} data-testid="squad-name" />
        </Form.Item>
        <Form.Item name="captainId" label={t('contests.squads.captain')} rules={[{ required: true }]}>
          <MemberSelect testId="squad-captain" />
        </Form.Item>
      </FormModal>

      <SquadDrawer squadId={openSquad} writable={writable} onClose={() => setOpenSquad(null)} onChanged={squads.reload} />
    </Space>
  );
}

function SquadDrawer({ squadId, writable, onClose, onChanged }: { squadId: number | null; writable: boolean; onClose: () => void; onChanged: () => void }) {
  const t = useFeatureT();
  const tc = useT();
  const { run } = useRun();
  const squad = useApi<SquadDetail>(squadId ? `/api/admin/squads/${squadId}` : null);
  const [name, setName] = useState<string>();
  const remove = async (memberId: number) => {
    const r = await run(() => api.delete(`/api/admin/squads/${squadId}/members/${memberId}`), { success: t('contests.saved') });
    if (r !== undefined) {
      squad.reload();
      onChanged();
    }
  };
  const rename = async () => {
    if (!name) return;
    const r = await run(() => api.patch(`/api/admin/squads/${squadId}`, { name }), { success: t('contests.saved') });
    if (r !== undefined) {
      squad.reload();
      onChanged();
    }
  };
  const d = squad.data;
  return (
    <Drawer open={squadId !== null} onClose={onClose} title={d?.name ?? ''} size="large" data-testid="squad-drawer">
      {squad.error && <Alert type="error" showIcon title={describeError(squad.error, tc)} />}
      {d && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {writable && (
            <Space.Compact style={{ width: '100%' }}>
              <Input defaultValue={d.name} onChange={(e) => setName(e.target.value)} maxLength={40} />
              <Button onClick={rename}>{t('contests.squads.rename')}</Button>
            </Space.Compact>
          )}
          <Typography.Text>
            {t('contests.squads.inviteCode')}: <Typography.Text copyable code>{d.inviteCode}</Typography.Text>
          </Typography.Text>
          {d.locked && <Alert type="warning" showIcon title={t('contests.squads.lockedHint')} />}
          <Table
            rowKey="memberId"
            size="small"
            pagination={false}
            dataSource={d.members}
            data-testid="squad-members-table"
            columns={[
              { title: t('contests.member'), key: 'm', render: (_v, r) => <>{r.nickname} #{r.memberId} {r.isCaptain && <Tag color="gold">{t('contests.squads.captain')}</Tag>}</> },
              { title: t('contests.squads.joinedAt'), dataIndex: 'joinedAt', render: formatDateTime },
              {
                title: '',
                key: 'a',
                render: (_v, r) =>
                  writable && !r.isCaptain && !d.locked ? (
                    <Popconfirm title={t('contests.squads.removeConfirm')} onConfirm={() => remove(r.memberId)}>
                      <Button size="small" danger>{t('contests.squads.remove')}</Button>
                    </Popconfirm>
                  ) : null,
              },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
