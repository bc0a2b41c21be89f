// 会员与分销商: search and filter, export, and the detail drawer (deep-linkable with ?member=ID).
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { download } from '../api';
import { MemberDrawer } from '../components/MemberDrawer';
import { enumLabel, StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../format';
import { describeError, useApi, useIsMobile, useRun } from '../hooks';
import { useT } from '../i18n';
import { DISTRIBUTOR_STATUSES, type Group, type Items, type Member, type Page, type Tier } from '../types';

const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export default function MembersPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tierId = num(params.get('tierId'));
  const groupId = num(params.get('groupId'));
  const distributorStatus = params.get('distributorStatus') ?? undefined;
  const hqOnly = params.get('hqOnly') === '1';
  const page = num(params.get('page')) ?? 1;
  const pageSize = num(params.get('pageSize')) ?? 20;
  const memberId = num(params.get('member')) ?? null;
  const [qInput, setQInput] = useState(q);

  const filters = { q: q || undefined, tierId, groupId, distributorStatus };
  const list = useApi<Page<Member>>('/api/admin/members', { ...filters, hqOnly: hqOnly || undefined, limit: pageSize, offset: (page - 1) * pageSize });
  const tiers = useApi<Items<Tier>>('/api/admin/tiers');
  const groups = useApi<Items<Group>>('/api/admin/groups');
  const { run, running } = useRun();
  const mobile = useIsMobile();

  const update = (patch: Record<string, string | number | undefined | null>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (resetPage && !('page' in patch)) next.delete('page');
    setParams(next, { replace: !('member' in patch) });
  };

  const exportAs = (format: 'csv' | 'xlsx') =>
    run(() => download('/api/admin/members/export', { format, ...filters }, `members.${format}`), { success: t('member.exported') });

  const tierName = (id: number | null) => (id == null ? '—' : tiers.data?.items.find((x) => x.id === id)?.name ?? `#${id}`);
  const groupName = (id: number | null) => (id == null ? '—' : groups.data?.items.find((x) => x.id === id)?.name ?? `#${id}`);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('member.searchPlaceholder')}
            value={qInput}
            onChange={(e) => setQInput(e.target.value)}
            onSearch={(v) => update({ q: v.trim() })}
            style={{ width: 260 }}
            data-testid="members-search"
          />
          <Select
            allowClear
            placeholder={t('member.tier')}
            value={tierId}
            onChange={(v) => update({ tierId: v })}
            style={{ width: 150 }}
            options={(tiers.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
            data-testid="members-filter-tier"
          />
          <Select
            allowClear
            placeholder={t('member.group')}
            value={groupId}
            onChange={(v) => update({ groupId: v })}
            style={{ width: 150 }}
            options={(groups.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
            data-testid="members-filter-group"
          />
          <Select
            allowClear
            placeholder={t('member.distributorStatus')}
            value={distributorStatus}
            onChange={(v) => update({ distributorStatus: v })}
            style={{ width: 150 }}
            options={DISTRIBUTOR_STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'distributor', s) }))}
            data-testid="members-filter-status"
          />
          <Checkbox checked={hqOnly} onChange={(e) => update({ hqOnly: e.target.checked ? 1 : undefined })} data-testid="members-filter-hq">
            {t('member.hqOnly')}
          </Checkbox>
        </Space>
        <Space wrap>
          <Button icon={<DownloadOutlined />} loading={running} onClick={() => exportAs('csv')} data-testid="members-export-csv">
            {t('member.exportCsv')}
          </Button>
          <Button icon={<DownloadOutlined />} loading={running} onClick={() => exportAs('xlsx')} data-testid="members-export-xlsx">
            {t('member.exportXlsx')}
          </Button>
        </Space>
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Member>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 980 }}
        data-testid="members-table"
        onRow={(r) => ({ 'data-testid': `member-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => t('common.totalN', { n }),
          onChange: (p, s) => update({ page: p === 1 ? undefined : p, pageSize: s === 20 ? undefined : s }, false),
        }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 70, fixed: mobile ? undefined : 'left' },
          { title: t('member.nickname'), dataIndex: 'nickname', ellipsis: true },
          { title: t('member.phone'), dataIndex: 'phone', width: 130 },
          { title: t('member.inviteCode'), dataIndex: 'inviteCode', width: 110 },
          { title: t('member.distributorStatus'), dataIndex: 'distributorStatus', width: 110, render: (s: string) => <StatusTag group="distributor" value={s} /> },
          { title: t('member.tier'), dataIndex: 'tierId', width: 110, render: tierName },
          { title: t('member.group'), dataIndex: 'groupId', width: 110, render: groupName },
          { title: t('member.hqRole'), dataIndex: 'hqRole', width: 100, render: (r: string | null) => (r ? <Tag color="blue">{enumLabel(t, 'role', r)}</Tag> : '—') },
          { title: t('member.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            fixed: mobile ? undefined : 'right',
            render: (_v, r) => (
              <Button type="link" size="small" onClick={() => update({ member: r.id }, false)} data-testid={`member-detail-${r.id}`}>
                {t('common.detail')}
              </Button>
            ),
          },
        ]}
      />
      <MemberDrawer memberId={memberId} onClose={() => update({ member: undefined }, false)} onChanged={list.reload} />
    </Card>
  );
}
