// 排行榜: commission, sales and invites by day, week, month, all time or a date range; top N and CSV export.
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Input, InputNumber, Segmented, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, download } from '../../api';
import { useAuth } from '../../auth';
import { MemberDrawer } from '../../components/MemberDrawer';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';

type Metric = 'commission' | 'sales' | 'invites';
type Period = 'day' | 'week' | 'month' | 'all' | 'range';

interface BoardEntry {
  rank: number;
  memberId: number;
  nickname: string;
  phone: string;
  value: number;
}
interface Board {
  metric: Metric;
  period: { kind: Period; key: string | null; from: string | null; to: string | null };
  items: BoardEntry[];
}

const METRICS: Metric[] = ['commission', 'sales', 'invites'];
const PERIODS: Period[] = ['day', 'week', 'month', 'all', 'range'];

export default function LeaderboardsPage() {
  const ft = useFeatureT();
  const t = useT();
  const { me } = useAuth();
  const [metric, setMetric] = useState<Metric>('commission');
  const [period, setPeriod] = useState<Period>('month');
  const [date, setDate] = useState<string>('');
  const [range, setRange] = useState<[string, string] | null>(null);
  const [limit, setLimit] = useState(100);
  const [memberId, setMemberId] = useState<number | null>(null);
  const { run, running } = useRun();
  const query = {
    metric,
    period,
    date: period !== 'range' && period !== 'all' ? date || undefined : undefined,
    from: period === 'range' ? range?.[0] : undefined,
    to: period === 'range' ? range?.[1] : undefined,
    limit,
  };
  const ready = period !== 'range' || range !== null;
  const board = useApi<Board>(ready ? '/api/admin/leaderboards' : null, query);
  const money = metric !== 'invites';
  const operator = me?.hqRole === 'owner' || me?.hqRole === 'operator';

  const exportCsv = () => run(() => download('/api/admin/leaderboards/export', { ...query, format: 'csv' }, `leaderboard-${metric}.csv`), { success: ft('growth.exported') });
  const fold = async () => {
    const r = await run(() => api.post<{ deltas: number }>('/api/admin/leaderboards/fold'));
    if (r) board.reload();
  };
  const p = board.data?.period;

  return (
    <Card>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented value={metric} onChange={(v) => setMetric(v as Metric)} options={METRICS.map((m) => ({ value: m, label: ft(`growth.metric.${m}`) }))} data-testid="growth-metric" />
        <Segmented value={period} onChange={(v) => setPeriod(v as Period)} options={PERIODS.map((x) => ({ value: x, label: ft(`growth.period.${x}`) }))} data-testid="growth-period" />
        {period === 'range' ? (
          <DatePicker.RangePicker
            data-testid="growth-range"
            onChange={(v: [Dayjs | null, Dayjs | null] | null) => setRange(v && v[0] && v[1] ? [v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')] : null)}
          />
        ) : period !== 'all' ? (
          <DatePicker placeholder={ft('growth.date')} data-testid="growth-date" onChange={(v: Dayjs | null) => setDate(v ? v.format('YYYY-MM-DD') : '')} />
        ) : null}
        <Space.Compact>
          <Input style={{ width: 70 }} disabled value={ft('growth.limit')} />
          <InputNumber min={1} max={1000} value={limit} onChange={(v) => setLimit(v ?? 100)} data-testid="growth-limit" />
        </Space.Compact>
        <Button icon={<DownloadOutlined />} loading={running} onClick={exportCsv} disabled={!ready} data-testid="growth-export-csv">
          {ft('growth.exportCsv')}
        </Button>
        {operator && (
          <Button icon={<ReloadOutlined />} onClick={fold} data-testid="growth-fold">
            {ft('growth.refresh')}
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {p ? (p.from ? ft('growth.periodShown', { from: p.from, to: p.to ?? '' }) : ft('growth.periodAll')) : null} {ft('growth.hint')}
      </Typography.Paragraph>
      {board.error && <Alert type="error" showIcon title={describeError(board.error, t)} style={{ marginBottom: 16 }} />}
      <Table<BoardEntry>
        rowKey="memberId"
        size="middle"
        loading={board.loading}
        dataSource={ready ? (board.data?.items ?? []) : []}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        data-testid="growth-board"
        onRow={(r) => ({ 'data-testid': `growth-row-${r.memberId}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: ft('growth.rank'), dataIndex: 'rank', width: 80 },
          { title: ft('growth.member'), dataIndex: 'nickname', render: (name: string, r) => <a onClick={() => setMemberId(r.memberId)}>{name} #{r.memberId}</a> },
          { title: ft('growth.phone'), dataIndex: 'phone', width: 150 },
          { title: ft(`growth.value.${metric}`), dataIndex: 'value', align: 'right', width: 160, render: (v: number) => <Typography.Text strong>{money ? formatFen(v) : v}</Typography.Text> },
        ]}
      />
      <MemberDrawer memberId={memberId} onClose={() => setMemberId(null)} />
    </Card>
  );
}
