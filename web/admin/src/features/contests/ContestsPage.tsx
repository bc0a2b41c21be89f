// PK 赛: contests with their squads, metric, window and prizes (cash, points or an honour title); live
// standings (bar chart) and results. An invites contest paying cash needs a compliance override (the
// form asks for its reason); one whose cash was withheld at the deadline is released with one.
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { EChart, type ChartOption } from '../../components/EChart';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen, parseYuanToFen } from '../../../../shared/money';
import { formatMetricValue } from './format';
import type { Contest, ContestMetric, ContestState, SquadRow, Standings } from './types';

const STATE_COLORS: Record<ContestState, string> = { scheduled: 'blue', running: 'green', closing: 'orange', finished: 'default' };

interface ContestForm {
  name: string;
  metric: ContestMetric;
  window: [Dayjs, Dayjs];
  squadIds: number[];
  prizes: Array<{ kind: PrizeKind; value?: string | number }>;
  overrideReason?: string;
}

type PrizeKind = 'cash' | 'points' | 'honour';

/** The form's prize rows as the API takes them (empty rows dropped). */
type PrizeBody = { rank: number; kind: 'cash'; amountFen: number } | { rank: number; kind: 'points'; points: number } | { rank: number; kind: 'honour'; title: string };

function prizesOf(rows: ContestForm['prizes']): PrizeBody[] {
  return (rows ?? []).flatMap((p, i): PrizeBody[] => {
    const rank = i + 1;
    if (p.kind === 'points') return Number(p.value) > 0 ? [{ rank, kind: 'points', points: Number(p.value) }] : [];
    if (p.kind === 'honour') return typeof p.value === 'string' && p.value.trim() ? [{ rank, kind: 'honour', title: p.value.trim() }] : [];
    const fen = parseYuanToFen(String(p.value ?? '')) ?? 0;
    return fen > 0 ? [{ rank, kind: 'cash', amountFen: fen }] : [];
  });
}

/** Whether the form pays cash for recruiting alone: an invites contest with a cash prize. */
const recruitingCash = (v: Partial<ContestForm>) => v.metric === 'invites' && prizesOf(v.prizes ?? []).some((p) => p.kind === 'cash');

export default function ContestsPage() {
  const t = useFeatureT();
  const tc = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const { run } = useRun();
  const [page, setPage] = useState(1);
  const list = useApi<{ total: number; items: Contest[] }>('/api/admin/contests', { limit: 20, offset: (page - 1) * 20 });
  const squads = useApi<{ items: SquadRow[] }>('/api/admin/squads', { limit: 100 });
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);

  const create = async (v: ContestForm) => {
    const prizes = prizesOf(v.prizes);
    const complianceOverride = recruitingCash(v) && v.overrideReason ? { reason: v.overrideReason.trim() } : undefined;
    const r = await run(
      () => api.post('/api/admin/contests', { name: v.name, metric: v.metric, startAt: v.window[0].toISOString(), deadline: v.window[1].toISOString(), squadIds: v.squadIds, prizes, complianceOverride }),
      { success: t('contests.saved') },
    );
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const remove = async (c: Contest) => {
    const r = await run(() => api.delete(`/api/admin/contests/${c.id}`), { success: t('contests.deleted') });
    if (r !== undefined) list.reload();
  };

  return (
    <Card title={t('contests.nav.contests')} extra={writable && <Button type="primary" onClick={() => setCreating(true)} data-testid="contest-create">{t('contests.create')}</Button>}>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, tc)} style={{ marginBottom: 12 }} />}
      <Table<Contest>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1000 }}
        data-testid="contests-table"
        onRow={(r) => ({ 'data-testid': `contest-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('contests.name'), dataIndex: 'name', render: (v: string, r) => <a onClick={() => setOpenId(r.id)} data-testid={`contest-open-${r.id}`}>{v}</a> },
          { title: t('contests.metric'), dataIndex: 'metric', render: (v: ContestMetric) => t(`contests.metric.${v}`) },
          { title: t('contests.state'), dataIndex: 'state', render: (v: ContestState) => <Tag color={STATE_COLORS[v]}>{t(`contests.state.${v}`)}</Tag> },
          { title: t('contests.window'), key: 'w', render: (_v, r) => `${formatDateTime(r.startAt)} → ${formatDateTime(r.deadline)}` },
          { title: t('contests.squads.title'), dataIndex: 'squads', render: (v: Contest['squads']) => v.map((s) => <Tag key={s.id}>{s.name}</Tag>) },
          {
            title: t('contests.prizeTotal'),
            dataIndex: 'prizeTotalFen',
            align: 'right',
            render: (v: number, r) => (r.prizeTotalPoints > 0 ? `${formatFen(v)} + ${t('contests.unit.points', { n: r.prizeTotalPoints })}` : formatFen(v)),
          },
          {
            title: '',
            key: 'a',
            width: 170,
            render: (_v, r) => (
              <Space>
                <Button size="small" onClick={() => setOpenId(r.id)}>{r.state === 'finished' ? t('contests.results') : t('contests.standings')}</Button>
                {writable && r.state === 'scheduled' && (
                  <Popconfirm title={t('contests.deleteConfirm')} onConfirm={() => remove(r)}>
                    <Button size="small" danger data-testid={`contest-delete-${r.id}`}>{t('contests.delete')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <FormModal<ContestForm>
        open={creating}
        title={t('contests.create')}
        onClose={() => setCreating(false)}
        onSubmit={create}
        width={640}
        initialValues={{ metric: 'sales', window: [dayjs().add(10, 'minute').startOf('minute'), dayjs().add(7, 'day').startOf('day')], prizes: [{ kind: 'cash', value: '' }, { kind: 'cash', value: '' }] }}
        testId="contest-form"
      >
        <Form.Item name="name" label={t('contests.name')} rules={[{ required: true, max: 60 }]}>
          <Input maxLength={60} data-testid="contest-name" />
        </Form.Item>
        <Form.Item name="metric" label={t('contests.metric')} rules={[{ required: true }]}>
          <Select options={(['sales', 'invites', 'points'] as const).map((m) => ({ value: m, label: t(`contests.metric.${m}`) }))} data-testid="contest-metric" />
        </Form.Item>
        <Form.Item name="window" label={t('contests.window')} rules={[{ required: true }]} extra={t('contests.windowHint')}>
          <DatePicker.RangePicker showTime style={{ width: '100%' }} data-testid="contest-window" />
        </Form.Item>
        <Form.Item name="squadIds" label={t('contests.squads.title')} rules={[{ required: true, type: 'array', min: 2, message: t('contests.squadsMin') }]}>
          <Select mode="multiple" options={(squads.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.captainNickname}）` }))} data-testid="contest-squads" />
        </Form.Item>
        <Form.List name="prizes">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Form.Item key={field.key} label={t('contests.prizeForRank', { rank: i + 1 })} style={{ marginBottom: 0 }}>
                  <Space align="start">
                    <Form.Item name={[field.name, 'kind']} noStyle>
                      <Select style={{ width: 120 }} options={(['cash', 'points', 'honour'] as const).map((k) => ({ value: k, label: t(`contests.prizeKind.${k}`) }))} data-testid={`contest-prize-kind-${i + 1}`} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {({ getFieldValue }) => <PrizeValue name={field.name} kind={getFieldValue(['prizes', field.name, 'kind']) ?? 'cash'} rank={i + 1} />}
                    </Form.Item>
                    {i === fields.length - 1 && <Button onClick={() => remove(field.name)}>−</Button>}
                  </Space>
                </Form.Item>
              ))}
              <Button onClick={() => add({ kind: 'cash', value: '' })} data-testid="contest-prize-add">{t('contests.prizeAdd')}</Button>
            </>
          )}
        </Form.List>
        <Form.Item noStyle shouldUpdate>
          {({ getFieldsValue }) =>
            recruitingCash(getFieldsValue(true) as Partial<ContestForm>) && (
              <>
                <Alert type="warning" showIcon title={t('contests.compliance.warning')} style={{ margin: '12px 0' }} data-testid="contest-compliance-warning" />
                <Form.Item name="overrideReason" label={t('contests.compliance.reason')} rules={[{ required: true, whitespace: true, min: 10, message: t('contests.compliance.reasonMin') }]}>
                  <Input.TextArea maxLength={500} rows={2} data-testid="contest-override-reason" />
                </Form.Item>
              </>
            )
          }
        </Form.Item>
      </FormModal>
      <StandingsDrawer contestId={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}

/** The value of a prize row: yuan for cash, whole points, or an honour title. */
function PrizeValue({ name, kind, rank }: { name: number; kind: PrizeKind; rank: number }) {
  const t = useFeatureT();
  if (kind === 'points')
    return (
      <Form.Item name={[name, 'value']} rules={[{ validator: async (_r, v?: number) => (v === undefined || v === null || (Number.isInteger(v) && v > 0) ? undefined : Promise.reject(new Error(t('contests.prizePointsInvalid')))) }]}>
        <InputNumber min={1} precision={0} style={{ width: 200 }} data-testid={`contest-prize-${rank}`} />
      </Form.Item>
    );
  if (kind === 'honour')
    return (
      <Form.Item name={[name, 'value']} rules={[{ max: 20, message: t('contests.prizeTitleInvalid') }]}>
        <Input maxLength={20} style={{ width: 200 }} data-testid={`contest-prize-${rank}`} />
      </Form.Item>
    );
  return (
    <Form.Item name={[name, 'value']} rules={[{ validator: async (_r, v?: string) => (!v || (parseYuanToFen(String(v)) ?? 0) > 0 ? undefined : Promise.reject(new Error(t('contests.prizeInvalid')))) }]}>
      <Input prefix="¥" style={{ width: 200 }} data-testid={`contest-prize-${rank}`} />
    </Form.Item>
  );
}

/** A finished invites contest whose cash was withheld: owner or finance record the override and pay. */
function WithheldPrizes({ contest, onReleased }: { contest: Standings['contest']; onReleased: () => void }) {
  const t = useFeatureT();
  const { me } = useAuth();
  const { run } = useRun();
  const [open, setOpen] = useState(false);
  if (!contest.prizesWithheldAt) return null;
  if (contest.prizesReleasedAt) return <Alert type="success" showIcon title={t('contests.released', { at: formatDateTime(contest.prizesReleasedAt) })} />;
  const mayRelease = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const release = async (v: { reason: string }) => {
    const r = await run(() => api.post(`/api/admin/contests/${contest.id}/release-prizes`, { complianceOverride: { reason: v.reason.trim() } }), { success: t('contests.saved') });
    if (r === undefined) return false;
    onReleased();
    return true;
  };
  return (
    <>
      <Alert type="warning" showIcon title={t('contests.withheld')} action={mayRelease && <Button size="small" onClick={() => setOpen(true)} data-testid="contest-release">{t('contests.release')}</Button>} data-testid="contest-withheld" />
      <FormModal<{ reason: string }> open={open} title={t('contests.release')} onClose={() => setOpen(false)} onSubmit={release} testId="contest-release-form">
        <Form.Item name="reason" label={t('contests.compliance.reason')} rules={[{ required: true, whitespace: true, min: 10, message: t('contests.compliance.reasonMin') }]}>
          <Input.TextArea maxLength={500} rows={3} data-testid="contest-release-reason" />
        </Form.Item>
      </FormModal>
    </>
  );
}

function StandingsDrawer({ contestId, onClose }: { contestId: number | null; onClose: () => void }) {
  const t = useFeatureT();
  const tc = useT();
  const standings = useApi<Standings>(contestId ? `/api/admin/contests/${contestId}/standings` : null);
  const { reload } = standings;
  const live = standings.data && (standings.data.contest.state === 'running' || standings.data.contest.state === 'closing');
  // live standings: refresh while the contest runs
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, 15_000);
    return () => clearInterval(timer);
  }, [live, reload]);
  const d = standings.data;
  const metric = d?.contest.metric ?? 'sales';
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 90, right: 80, top: 16, bottom: 24 }, // room for the value label right of the longest bar
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatMetricValue(metric, metric === 'sales' ? Math.round(v * 100) : v, t) },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: (d?.squads ?? []).map((s) => `#${s.rank} ${s.name}`) },
      series: [{ type: 'bar', data: (d?.squads ?? []).map((s) => (metric === 'sales' ? s.value / 100 : s.value)), itemStyle: { color: '#fa541c' }, label: { show: true, position: 'right' } }],
    }),
    [d, metric, t],
  );
  return (
    <Drawer open={contestId !== null} onClose={onClose} size="large" title={d ? `${d.contest.name} · ${t(`contests.state.${d.contest.state}`)}` : ''} data-testid="contest-standings">
      {standings.error && <Alert type="error" showIcon title={describeError(standings.error, tc)} />}
      {d && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {t('contests.metric')}: {t(`contests.metric.${metric}`)} · {formatDateTime(d.contest.startAt)} → {formatDateTime(d.contest.deadline)} · {d.contest.state === 'finished' ? t('contests.frozenAt', { at: formatDateTime(d.contest.finalizedAt) }) : t('contests.asOf', { at: formatDateTime(d.asOf) })}
          </Typography.Text>
          {d.contest.state === 'closing' && <Alert type="info" showIcon title={t('contests.closingHint')} />}
          {d.contest.complianceOverride && <Alert type="info" showIcon title={t('contests.compliance.override', { reason: d.contest.complianceOverride.reason })} />}
          <WithheldPrizes contest={d.contest} onReleased={reload} />
          <EChart option={option} height={Math.max(160, d.squads.length * 48)} testId="contest-standings-chart" />
          <Table
            rowKey="squadId"
            size="small"
            pagination={false}
            dataSource={d.squads}
            data-testid="contest-standings-table"
            expandable={{
              expandedRowRender: (s) => (
                <Table
                  rowKey="memberId"
                  size="small"
                  pagination={false}
                  dataSource={s.members}
                  columns={[
                    { title: t('contests.member'), key: 'm', render: (_v, m) => `${m.nickname} #${m.memberId}` },
                    { title: t('contests.contribution'), dataIndex: 'value', align: 'right', render: (v: number) => formatMetricValue(metric, v, t) },
                    { title: d.contest.state === 'finished' ? t('contests.prizePaid') : t('contests.prizeDue'), dataIndex: 'prizeFen', align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('contests.prizePoints'), dataIndex: 'prizePoints', align: 'right' },
                  ]}
                />
              ),
            }}
            columns={[
              { title: t('contests.rank'), dataIndex: 'rank', width: 70 },
              { title: t('contests.squads.name'), dataIndex: 'name' },
              { title: t('contests.squads.captain'), dataIndex: 'captainNickname' },
              { title: t('contests.value'), dataIndex: 'value', align: 'right', render: (v: number) => <Typography.Text strong>{formatMetricValue(metric, v, t)}</Typography.Text> },
              { title: d.contest.state === 'finished' ? t('contests.prizePaid') : t('contests.prizeDue'), dataIndex: 'prizeFen', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('contests.prizePoints'), dataIndex: 'prizePoints', align: 'right' },
              { title: t('contests.honour'), dataIndex: 'honour', render: (v: string | null) => (v ? <Tag color="gold">{v}</Tag> : '') },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
