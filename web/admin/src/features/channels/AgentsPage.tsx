// 代理商: HQ appoints regional agents (division, parent, rate) and non-regional agents (level), renews
// terms, changes levels, and sets yearly targets with quarter progress.
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Select, Space, Table, Tabs } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { formatDate, formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { AgentStateTag, agentScope, TargetProgressCard } from './shared';
import type { Agent, AgentLevel, AgentOrder, TargetProgress } from './types';

interface AppointForm {
  memberId: number;
  regionCode?: string;
  parentAgentId?: number | null;
  ratePercent?: number;
  levelId?: number;
  term: [Dayjs, Dayjs];
}

interface TargetForm {
  mode: 'quarters' | 'year';
  yearYuan?: number;
  q1?: number;
  q2?: number;
  q3?: number;
  q4?: number;
}

const toFen = (yuan: number | undefined) => Math.round((yuan ?? 0) * 100);

export default function AgentsPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const agents = useApi<Items<Agent>>('/api/admin/agents');
  const levels = useApi<Items<AgentLevel>>('/api/admin/agent-levels');
  const [appointing, setAppointing] = useState<'regional' | 'non_regional' | null>(null);
  const [termOf, setTermOf] = useState<Agent | null>(null);
  const [levelOf, setLevelOf] = useState<Agent | null>(null);
  const [detail, setDetail] = useState<Agent | null>(null);
  const [year, setYear] = useState(new Date().getFullYear());
  const [settingTarget, setSettingTarget] = useState(false);
  const progress = useApi<TargetProgress>(detail ? `/api/admin/agents/${detail.id}/targets` : null, { year });
  const orders = useApi<Items<AgentOrder>>(detail ? `/api/admin/agents/${detail.id}/orders` : null, { limit: 50 });
  const { run } = useRun();
  const items = agents.data?.items ?? [];

  const appoint = async (v: AppointForm) => {
    const term = { termStart: v.term[0].startOf('day').toISOString(), termEnd: v.term[1].endOf('day').toISOString() };
    const r = await run(
      () =>
        appointing === 'regional'
          ? api.post('/api/admin/agents', { memberId: v.memberId, regionCode: v.regionCode, parentAgentId: v.parentAgentId ?? null, rateBp: Math.round((v.ratePercent ?? 0) * 100), ...term })
          : api.post('/api/admin/agents/non-regional', { memberId: v.memberId, levelId: v.levelId, ...term }),
      { success: t('channels.saved') },
    );
    if (r === undefined) return false;
    agents.reload();
    return true;
  };

  const saveTerm = async (v: { term: [Dayjs, Dayjs] }) => {
    const r = await run(() => api.post(`/api/admin/agents/${termOf!.id}/term`, { termStart: v.term[0].startOf('day').toISOString(), termEnd: v.term[1].endOf('day').toISOString() }), { success: t('channels.saved') });
    if (r === undefined) return false;
    agents.reload();
    return true;
  };

  const saveLevel = async (v: { levelId: number }) => {
    const r = await run(() => api.post(`/api/admin/agents/${levelOf!.id}/level`, v), { success: t('channels.saved') });
    if (r === undefined) return false;
    agents.reload();
    return true;
  };

  const saveTarget = async (v: TargetForm) => {
    const body = v.mode === 'year' ? { yearFen: toFen(v.yearYuan) } : { quartersFen: [toFen(v.q1), toFen(v.q2), toFen(v.q3), toFen(v.q4)] };
    const r = await run(() => api.put(`/api/admin/agents/${detail!.id}/targets/${year}`, body), { success: t('channels.saved') });
    if (r === undefined) return false;
    progress.reload();
    return true;
  };

  return (
    <Card
      title={t('channels.agentsNav')}
      extra={
        writable && (
          <Space>
            <Button onClick={() => setAppointing('regional')} data-testid="agent-new-regional">{t('channels.agent.newRegional')}</Button>
            <Button type="primary" onClick={() => setAppointing('non_regional')} data-testid="agent-new-non-regional">{t('channels.agent.newNonRegional')}</Button>
          </Space>
        )
      }
    >
      {agents.error && <Alert type="error" showIcon title={describeError(agents.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<Agent>
        rowKey="id"
        loading={agents.loading}
        dataSource={items}
        scroll={{ x: 1000 }}
        data-testid="agents-table"
        onRow={(r) => ({ 'data-testid': `agent-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: t('channels.agent.member'), render: (_: unknown, r) => `${r.nickname} #${r.memberId}` },
          { title: t('channels.agent.scope'), render: (_: unknown, r) => agentScope(r, t) },
          { title: t('channels.agent.parent'), dataIndex: 'parentAgentId', render: (v: number | null) => (v ? `#${v}` : '—') },
          { title: t('channels.agent.term'), render: (_: unknown, r) => `${formatDate(r.termStart)} – ${formatDate(r.termEnd)}` },
          { title: t('channels.agent.state'), dataIndex: 'state', render: (s: Agent['state']) => <AgentStateTag state={s} /> },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, r) => (
              <Space>
                <a onClick={() => setDetail(r)} data-testid={`agent-detail-${r.id}`}>{t('channels.agent.targetsAndOrders')}</a>
                {writable && <a onClick={() => setTermOf(r)}>{t('channels.agent.renew')}</a>}
                {writable && r.kind === 'non_regional' && <a onClick={() => setLevelOf(r)}>{t('channels.agent.changeLevel')}</a>}
              </Space>
            ),
          },
        ]}
      />

      <FormModal<AppointForm>
        open={appointing !== null}
        title={appointing === 'regional' ? t('channels.agent.newRegional') : t('channels.agent.newNonRegional')}
        onClose={() => setAppointing(null)}
        onSubmit={appoint}
        testId="agent-form"
        initialValues={{ term: [dayjs(), dayjs().add(1, 'year')] }}
      >
        <Form.Item name="memberId" label={t('channels.agent.member')} rules={[{ required: true }]}>
          <MemberSelect testId="agent-member" />
        </Form.Item>
        {appointing === 'regional' ? (
          <>
            <Form.Item name="regionCode" label={t('channels.agent.regionCode')} extra={t('channels.agent.regionHelp')} rules={[{ required: true, pattern: /^\d{6}$/ }]}>
              <Input maxLength={6} data-testid="agent-region" />
            </Form.Item>
            <Form.Item name="parentAgentId" label={t('channels.agent.parent')}>
              <Select allowClear options={items.filter((a) => a.kind === 'regional').map((a) => ({ value: a.id, label: `#${a.id} ${a.regionCode} ${a.nickname}` }))} />
            </Form.Item>
            <Form.Item name="ratePercent" label={t('channels.agent.ratePercent')} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} precision={2} style={{ width: '100%' }} data-testid="agent-rate" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="levelId" label={t('channels.agent.level')} rules={[{ required: true }]}>
            <Select options={(levels.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))} data-testid="agent-level" />
          </Form.Item>
        )}
        <Form.Item name="term" label={t('channels.agent.term')} rules={[{ required: true }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
      </FormModal>

      <FormModal<{ term: [Dayjs, Dayjs] }> open={termOf !== null} title={t('channels.agent.renew')} onClose={() => setTermOf(null)} onSubmit={saveTerm} testId="agent-term-form" initialValues={termOf ? { term: [dayjs(termOf.termStart), dayjs(termOf.termEnd)] } : undefined}>
        <Form.Item name="term" label={t('channels.agent.term')} rules={[{ required: true }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
      </FormModal>

      <FormModal<{ levelId: number }> open={levelOf !== null} title={t('channels.agent.changeLevel')} onClose={() => setLevelOf(null)} onSubmit={saveLevel} initialValues={levelOf?.levelId ? { levelId: levelOf.levelId } : undefined}>
        <Form.Item name="levelId" label={t('channels.agent.level')} rules={[{ required: true }]}>
          <Select options={(levels.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))} />
        </Form.Item>
      </FormModal>

      <Drawer open={detail !== null} onClose={() => setDetail(null)} size="large" title={detail ? `${detail.nickname} · ${agentScope(detail, t)}` : ''} data-testid="agent-drawer">
        {detail && (
          <Tabs
            items={[
              {
                key: 'targets',
                label: t('channels.target.title'),
                children: (
                  <>
                    {progress.error && <Alert type="error" showIcon title={describeError(progress.error, coreT)} />}
                    <TargetProgressCard progress={progress.data} year={year} onYear={setYear} extra={writable && <Button onClick={() => setSettingTarget(true)} data-testid="target-set">{t('channels.target.set')}</Button>} />
                  </>
                ),
              },
              {
                key: 'orders',
                label: t('channels.agent.orders'),
                children: (
                  <Table<AgentOrder>
                    rowKey="id"
                    size="small"
                    loading={orders.loading}
                    dataSource={orders.data?.items ?? []}
                    columns={[
                      { title: t('channels.order.no'), dataIndex: 'orderNo' },
                      { title: t('channels.order.goods'), dataIndex: 'goodsPaidFen', align: 'right', render: (v: number) => formatFen(v) },
                      { title: t('channels.order.refunded'), dataIndex: 'refundedFen', align: 'right', render: (v: number) => formatFen(v) },
                      { title: t('channels.order.award'), dataIndex: 'awardFen', align: 'right', render: (v: number) => formatFen(v) },
                      { title: t('channels.order.paidAt'), dataIndex: 'paidAt', render: (v: string) => formatDateTime(v) },
                    ]}
                  />
                ),
              },
            ]}
          />
        )}
      </Drawer>

      <FormModal<TargetForm>
        open={settingTarget}
        title={`${t('channels.target.set')} · ${year}`}
        onClose={() => setSettingTarget(false)}
        onSubmit={saveTarget}
        testId="target-form"
        initialValues={{ mode: 'year', ...(progress.data?.hasTarget ? { q1: progress.data.quarters[0].targetFen / 100, q2: progress.data.quarters[1].targetFen / 100, q3: progress.data.quarters[2].targetFen / 100, q4: progress.data.quarters[3].targetFen / 100, yearYuan: progress.data.targetFen / 100 } : {}) }}
      >
        {(form) => (
          <>
            <Form.Item name="mode" label={t('channels.target.mode')}>
              <Select options={[{ value: 'year', label: t('channels.target.modeYear') }, { value: 'quarters', label: t('channels.target.modeQuarters') }]} data-testid="target-mode" />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() =>
                form.getFieldValue('mode') === 'year' ? (
                  <Form.Item name="yearYuan" label={t('channels.target.yearYuan')} rules={[{ required: true }]}>
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} data-testid="target-year-amount" />
                  </Form.Item>
                ) : (
                  (['q1', 'q2', 'q3', 'q4'] as const).map((q) => (
                    <Form.Item key={q} name={q} label={`${q.toUpperCase()} (${t('channels.yuan')})`} rules={[{ required: true }]}>
                      <InputNumber min={0} precision={2} style={{ width: '100%' }} data-testid={`target-${q}`} />
                    </Form.Item>
                  ))
                )
              }
            </Form.Item>
          </>
        )}
      </FormModal>
    </Card>
  );
}
