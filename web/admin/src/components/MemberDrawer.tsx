// A member in full: profile, upline chain, team, balances, binding history, and the audited HQ actions.
import { Alert, Button, Card, Checkbox, Col, Descriptions, Drawer, Dropdown, Empty, Form, Result, Row, Select, Skeleton, Space, Statistic, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { formatDateTime, formatInt } from '../format';
import { describeError, useApi, useIsMobile, useRun } from '../hooks';
import { useT } from '../i18n';
import { formatFen } from '../../../shared/money';
import { HQ_ROLES, type Group, type HqRole, type Items, type MemberDetail, type Page, type TeamMember, type Tier } from '../types';
import { FormModal, ReasonField } from './FormModal';
import { MemberSelect } from './MemberSelect';
import { enumLabel, StatusTag } from './StatusTag';

type ActionKind = 'rebind' | 'tier' | 'group' | 'status' | 'role';

interface ActionValues {
  referrerId?: number | null;
  detach?: boolean;
  tierId?: number;
  groupId?: number | null;
  status?: 'active' | 'disabled' | 'none';
  role?: HqRole | 'none';
  reason: string;
}

function TeamTab({ memberId }: { memberId: number }) {
  const t = useT();
  const [depth, setDepth] = useState<number | undefined>(1);
  const [page, setPage] = useState(1);
  const pageSize = 10;
  const team = useApi<Page<TeamMember>>(`/api/admin/members/${memberId}/team`, { depth, limit: pageSize, offset: (page - 1) * pageSize });
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <span>{t('member.teamDepth')}</span>
        <Select<number | 'all'>
          value={depth ?? 'all'}
          onChange={(v) => {
            setDepth(v === 'all' ? undefined : v);
            setPage(1);
          }}
          style={{ width: 140 }}
          options={[
            { value: 1, label: t('member.depthDirect') },
            { value: 2, label: t('member.depthN', { n: 2 }) },
            { value: 3, label: t('member.depthN', { n: 3 }) },
            { value: 'all', label: t('member.depthAll') },
          ]}
          data-testid="team-depth"
        />
      </Space>
      {team.error && <Alert type="error" showIcon title={describeError(team.error, t)} style={{ marginBottom: 12 }} />}
      <Table<TeamMember>
        size="small"
        rowKey="id"
        loading={team.loading}
        dataSource={team.data?.items ?? []}
        scroll={{ x: 640 }}
        data-testid="team-table"
        pagination={{ current: page, pageSize, total: team.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 64 },
          { title: t('member.nickname'), dataIndex: 'nickname' },
          { title: t('member.phone'), dataIndex: 'phone' },
          { title: t('member.level'), dataIndex: 'level', width: 72, render: (l: number) => t('member.levelN', { n: l }) },
          { title: t('member.distributorStatus'), dataIndex: 'distributorStatus', render: (s: string) => <StatusTag group="distributor" value={s} /> },
          { title: t('member.sales'), dataIndex: 'salesFen', align: 'right', render: (v: number) => formatFen(v) },
          { title: t('member.orderCount'), dataIndex: 'orderCount', align: 'right' },
          { title: t('member.joinedAt'), dataIndex: 'joinedAt', render: formatDateTime },
        ]}
      />
    </>
  );
}

export function MemberDrawer({ memberId, onClose, onChanged }: { memberId: number | null; onClose: () => void; onChanged?: () => void }) {
  const t = useT();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const { run } = useRun();
  const detail = useApi<MemberDetail>(memberId ? `/api/admin/members/${memberId}` : null);
  const tiers = useApi<Items<Tier>>('/api/admin/tiers');
  const groups = useApi<Items<Group>>('/api/admin/groups');
  const [action, setAction] = useState<ActionKind | null>(null);
  const m = detail.data && detail.data.id === memberId ? detail.data : undefined;

  const tierName = (id: number | null) => (id == null ? '—' : tiers.data?.items.find((x) => x.id === id)?.name ?? `#${id}`);
  const groupName = (id: number | null) => (id == null ? '—' : groups.data?.items.find((x) => x.id === id)?.name ?? `#${id}`);

  const submit = async (v: ActionValues) => {
    if (!m) return false;
    const base = `/api/admin/members/${m.id}`;
    const reason = v.reason.trim();
    const ok = await run(
      async () => {
        switch (action) {
          case 'rebind':
            return api.post(`${base}/rebind`, { referrerId: v.detach ? null : v.referrerId ?? null, reason });
          case 'tier':
            return api.post(`${base}/tier`, { tierId: v.tierId, reason });
          case 'group':
            return api.post(`${base}/group`, { groupId: v.groupId ?? null, reason });
          case 'status':
            return api.post(`${base}/distributor-status`, { status: v.status, reason });
          case 'role':
            return api.post(`${base}/role`, { role: v.role === 'none' ? null : v.role, reason });
        }
        return undefined;
      },
      { success: t('common.done') },
    );
    if (ok === undefined) return false;
    detail.reload();
    onChanged?.();
    return true;
  };

  const writable = can('members.write');
  const actionItems = [
    { key: 'rebind', label: t('member.actionRebind'), disabled: !writable },
    { key: 'tier', label: t('member.actionTier'), disabled: !writable },
    { key: 'group', label: t('member.actionGroup'), disabled: !writable },
    { key: 'status', label: t('member.actionStatus'), disabled: !writable },
    ...(can('members.role') ? [{ key: 'role', label: t('member.actionRole') }] : []),
  ].filter((i) => !i.disabled);

  const referrer = m?.uplines.find((u) => u.distance === 1);

  const actionTitle: Record<ActionKind, string> = {
    rebind: t('member.actionRebind'),
    tier: t('member.actionTier'),
    group: t('member.actionGroup'),
    status: t('member.actionStatus'),
    role: t('member.actionRole'),
  };

  return (
    <Drawer
      open={memberId !== null}
      onClose={onClose}
      size={mobile ? '100%' : 820}
      title={m ? <Space wrap>{m.nickname}<Typography.Text type="secondary">#{m.id}</Typography.Text></Space> : t('member.detail')}
      extra={
        m && actionItems.length > 0 ? (
          <Dropdown menu={{ items: actionItems, onClick: ({ key }) => setAction(key as ActionKind) }}>
            <Button type="primary" data-testid="member-actions">
              {t('member.actions')} <DownOutlined />
            </Button>
          </Dropdown>
        ) : null
      }
      destroyOnHidden
      data-testid="member-drawer"
    >
      {detail.error && detail.error.status !== 0 ? (
        <Result status="warning" title={describeError(detail.error, t)} />
      ) : !m ? (
        <Skeleton active />
      ) : (
        <Tabs
          items={[
            {
              key: 'overview',
              label: t('member.overview'),
              children: (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  <Descriptions
                    size="small"
                    bordered
                    column={mobile ? 1 : 2}
                    items={[
                      { key: 'phone', label: t('member.phone'), children: m.phone },
                      { key: 'invite', label: t('member.inviteCode'), children: <Typography.Text copyable>{m.inviteCode}</Typography.Text> },
                      { key: 'status', label: t('member.distributorStatus'), children: <StatusTag group="distributor" value={m.distributorStatus} /> },
                      { key: 'since', label: t('member.distributorSince'), children: formatDateTime(m.distributorSince) },
                      { key: 'tier', label: t('member.tier'), children: tierName(m.tierId) },
                      { key: 'group', label: t('member.group'), children: groupName(m.groupId) },
                      { key: 'role', label: t('member.hqRole'), children: m.hqRole ? <Tag color="blue">{enumLabel(t, 'role', m.hqRole)}</Tag> : '—' },
                      { key: 'created', label: t('member.createdAt'), children: formatDateTime(m.createdAt) },
                      {
                        key: 'referrer',
                        label: t('member.referrer'),
                        span: mobile ? 1 : 2,
                        children: m.referrer ? (
                          <span data-testid="member-referrer">
                            {referrer ? `${referrer.nickname} (#${referrer.id})` : `#${m.referrer.referrerId}`} · {t('member.boundVia', { source: t.maybe(`binding.source.${m.referrer.source}`) ?? m.referrer.source })} · {formatDateTime(m.referrer.boundAt)}
                            {m.referrer.expiresAt && ` · ${t('member.expiresAt', { at: formatDateTime(m.referrer.expiresAt) })}`}
                          </span>
                        ) : (
                          <span data-testid="member-referrer">{t('member.noReferrer')}</span>
                        ),
                      },
                    ]}
                  />
                  <Card size="small" title={t('member.balances')}>
                    <Row gutter={[12, 12]}>
                      {(
                        [
                          ['pendingFen', 'member.balPending'],
                          ['frozenFen', 'member.balFrozen'],
                          ['availableFen', 'member.balAvailable'],
                          ['withdrawingFen', 'member.balWithdrawing'],
                          ['debtFen', 'member.balDebt'],
                          ['totalEarnedFen', 'member.balTotal'],
                        ] as const
                      ).map(([k, label]) => (
                        <Col xs={12} md={8} key={k}>
                          <Statistic title={t(label)} value={formatFen(m.balances[k])} styles={{ content: { fontSize: 18, color: k === 'debtFen' && m.balances.debtFen ? '#cf1322' : undefined } }} />
                        </Col>
                      ))}
                    </Row>
                  </Card>
                  <Card size="small" title={t('member.team')}>
                    <Row gutter={[12, 12]}>
                      <Col xs={12} md={6}><Statistic title={t('member.teamSize')} value={formatInt(m.team.teamSize)} /></Col>
                      <Col xs={12} md={6}><Statistic title={t('member.directCount')} value={formatInt(m.team.directCount)} /></Col>
                      <Col xs={12} md={6}><Statistic title={t('member.teamSales')} value={formatFen(m.team.teamSalesFen)} /></Col>
                      <Col xs={12} md={6}><Statistic title={t('member.maxDepth')} value={formatInt(m.team.maxDepth)} /></Col>
                    </Row>
                  </Card>
                  <Card size="small" title={t('member.uplines')}>
                    {m.uplines.length === 0 ? (
                      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('member.noUplines')} />
                    ) : (
                      <Timeline
                        data-testid="member-uplines"
                        items={[...m.uplines]
                          .sort((a, b) => b.distance - a.distance)
                          .map((u) => ({
                            color: u.distance <= 3 ? 'orange' : 'gray',
                            content: (
                              <span>
                                <Tag color={u.distance <= 3 ? 'orange' : undefined}>{t('member.uplineN', { n: u.distance })}</Tag>
                                {u.nickname} (#{u.id}) {u.phone} <StatusTag group="distributor" value={u.distributorStatus} />
                              </span>
                            ),
                          }))
                          .concat([{ color: 'blue', content: <Typography.Text strong>{m.nickname} (#{m.id})</Typography.Text> }])}
                      />
                    )}
                    <Typography.Text type="secondary">{t('member.uplinesNote')}</Typography.Text>
                  </Card>
                </Space>
              ),
            },
            { key: 'team', label: t('member.team'), children: <TeamTab memberId={m.id} /> },
            {
              key: 'history',
              label: t('member.bindingHistory'),
              children: (
                <Table
                  size="small"
                  rowKey="id"
                  dataSource={m.bindingHistory}
                  pagination={false}
                  scroll={{ x: 600 }}
                  data-testid="binding-history"
                  columns={[
                    { title: t('common.time'), dataIndex: 'createdAt', render: formatDateTime },
                    { title: t('member.oldReferrer'), dataIndex: 'oldReferrerId', render: (v: number | null) => (v == null ? '—' : `#${v}`) },
                    { title: t('member.newReferrer'), dataIndex: 'newReferrerId', render: (v: number | null) => (v == null ? '—' : `#${v}`) },
                    { title: t('member.source'), dataIndex: 'source', render: (s: string) => t.maybe(`binding.source.${s}`) ?? s },
                    { title: t('common.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
                    { title: t('common.actor'), dataIndex: 'actorId', render: (v: number | null) => (v == null ? t('common.system') : `#${v}`) },
                  ]}
                />
              ),
            },
          ]}
        />
      )}

      <FormModal<ActionValues>
        open={action !== null}
        title={action ? actionTitle[action] : ''}
        onClose={() => setAction(null)}
        onSubmit={submit}
        testId={`member-${action ?? 'action'}-form`}
        initialValues={
          m
            ? {
                referrerId: m.referrer?.referrerId ?? null,
                tierId: m.tierId ?? undefined,
                groupId: m.groupId,
                status: m.distributorStatus === 'disabled' ? 'active' : m.distributorStatus === 'active' ? 'disabled' : 'active',
                role: m.hqRole ?? 'none',
              }
            : undefined
        }
      >
        {(form) => (
          <>
            {action === 'rebind' && (
              <>
                <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('member.rebindWarning')} />
                <Form.Item name="detach" valuePropName="checked">
                  <Checkbox>{t('member.detach')}</Checkbox>
                </Form.Item>
                <Form.Item noStyle shouldUpdate={(a, b) => a.detach !== b.detach}>
                  {() =>
                    !form.getFieldValue('detach') && (
                      <Form.Item name="referrerId" label={t('member.newReferrer')} rules={[{ required: true, message: t('member.referrerRequired') }]}>
                        <MemberSelect exclude={m?.id} testId="rebind-referrer" />
                      </Form.Item>
                    )
                  }
                </Form.Item>
              </>
            )}
            {action === 'tier' && (
              <Form.Item name="tierId" label={t('member.tier')} rules={[{ required: true }]}>
                <Select options={(tiers.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name} (rank ${x.rank})` }))} />
              </Form.Item>
            )}
            {action === 'group' && (
              <Form.Item name="groupId" label={t('member.group')} extra={t('member.groupClearHint')}>
                <Select allowClear options={(groups.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} />
              </Form.Item>
            )}
            {action === 'status' && (
              <Form.Item name="status" label={t('member.distributorStatus')} rules={[{ required: true }]}>
                <Select
                  options={(['active', 'disabled', 'none'] as const).map((s) => ({ value: s, label: enumLabel(t, 'distributor', s) }))}
                />
              </Form.Item>
            )}
            {action === 'role' && (
              <>
                <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('member.roleWarning')} />
                <Form.Item name="role" label={t('member.hqRole')} rules={[{ required: true }]}>
                  <Select options={[{ value: 'none', label: t('member.noRole') }, ...HQ_ROLES.map((r) => ({ value: r, label: enumLabel(t, 'role', r) }))]} />
                </Form.Item>
              </>
            )}
            <ReasonField />
          </>
        )}
      </FormModal>
    </Drawer>
  );
}
