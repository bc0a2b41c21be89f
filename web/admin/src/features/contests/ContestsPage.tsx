// PK 赛: contests with their squads, metric, window and prizes; live standings (bar chart) and results.
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
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
  prizes: Array<{ yuan: string }>;
}

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
    const prizes = (v.prizes ?? []).map((p, i) => ({ rank: i + 1, amountFen: parseYuanToFen(p.yuan) ?? 0 })).filter((p) => p.amountFen > 0);
    const r = await run(
      () => api.post('/api/admin/contests', { name: v.name, metric: v.metric, startAt: v.window[0].toISOString(), deadline: v.window[1].toISOString(), squadIds: v.squadIds, prizes }),
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
          { title: t('contests.prizeTotal'), dataIndex: 'prizeTotalFen', align: 'right', render: (v: number) => formatFen(v) },
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
        initialValues={{ metric: 'sales', window: [dayjs().add(10, 'minute').startOf('minute'), dayjs().add(7, 'day').startOf('day')], prizes: [{ yuan: '' }, { yuan: '' }] }}
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
                <Space key={field.key} align="baseline">
                  <Form.Item
                    name={[field.name, 'yuan']}
                    label={t('contests.prizeForRank', { rank: i + 1 })}
                    rules={[{ validator: async (_r, v?: string) => (!v || (parseYuanToFen(v) ?? 0) > 0 ? undefined : Promise.reject(new Error(t('contests.prizeInvalid')))) }]}
                  >
                    <Input prefix="¥" style={{ width: 200 }} data-testid={`contest-prize-${i + 1}`} />
                  </Form.Item>
                  {i === fields.length - 1 && <Button onClick={() => remove(field.name)}>−</Button>}
                </Space>
              ))}
              <Button onClick={() => add({ yuan: '' })} data-testid="contest-prize-add">{t('contests.prizeAdd')}</Button>
            </>
          )}
        </Form.List>
      </FormModal>
      <StandingsDrawer contestId={openId} onClose={() => setOpenId(null)} />
    </Card>
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
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
