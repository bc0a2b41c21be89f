// 数据看板: 待办 first (DashboardTodo.tsx), then today and this month, commission by state, 30-day trends, and the commission ranking.
import { Alert, Card, Col, Row, Segmented, Skeleton, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { EChart, type ChartOption } from '../components/EChart';
import { formatInt } from '../format';
import { useApi, useIsMobile, describeError } from '../hooks';
import { useAuth } from '../auth';
import { useFeatureT, useT, type Key } from '../i18n';
import { formatFen } from '../../../shared/money';
import type { ResponseOf } from '../../../shared/api';
import type { Dashboard, Items, PeriodFigures, RankingRow } from '../types';
import { TodoRow } from './DashboardTodo';

function FenStat({ title, fen, testId, color }: { title: string; fen: number | undefined; testId: string; color?: string }) {
  return (
    <Statistic
      title={title}
      value={fen === undefined ? '—' : formatFen(fen)}
      styles={{ content: { color, fontVariantNumeric: 'tabular-nums' } }}
      data-testid={testId}
    />
  );
}

function PeriodCard({ title, figures, prefix }: { title: string; figures: PeriodFigures | undefined; prefix: 'today' | 'month' }) {
  const t = useT();
  return (
    <Card title={title} size="small">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <FenStat title={t('dashboard.gmv')} fen={figures?.gmvFen} testId={`dashboard-gmv-${prefix}`} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('dashboard.orders')} value={figures ? formatInt(figures.orders) : '—'} data-testid={`dashboard-orders-${prefix}`} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('dashboard.newMembers')} value={figures ? formatInt(figures.newMembers) : '—'} data-testid={`dashboard-new-members-${prefix}`} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('dashboard.newDistributors')} value={figures ? formatInt(figures.newDistributors) : '—'} data-testid={`dashboard-new-distributors-${prefix}`} />
        </Col>
      </Row>
    </Card>
  );
}

type ChannelMode = ResponseOf<'/api/admin/insights/channels'>['modes'][number];

/** Performance and payables per channel mode (distribution, agents, coupons, suppliers, dealers). */
function ChannelModesCard() {
  const t = useT();
  const ft = useFeatureT();
  const modes = useApi<{ modes: ChannelMode[] }>('/api/admin/insights/channels');
  const rows = (modes.data?.modes ?? []).filter((m) => m.orders > 0 || m.netFen !== 0);
  return (
    <Card title={t('dashboard.channelModes')} size="small" extra={<Link to="/insights/channels">{t('dashboard.channelModesMore')}</Link>}>
      {modes.error && <Alert type="error" showIcon title={describeError(modes.error, t)} style={{ marginBottom: 12 }} />}
      <Table<ChannelMode>
        size="small"
        rowKey="kind"
        loading={modes.loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 560 }}
        data-testid="dashboard-channel-modes"
        columns={[
          { title: t('dashboard.channelMode'), dataIndex: 'kind', render: (k: string) => ft(`insights.kind.${k}`) },
          { title: t('dashboard.orders'), dataIndex: 'orders', align: 'right', render: (v: number) => formatInt(v) },
          { title: t('dashboard.channelEarned'), dataIndex: 'netFen', align: 'right', render: (v: number) => formatFen(v) },
          { title: t('dashboard.pending'), key: 'pending', align: 'right', render: (_v, m) => formatFen(m.payables.pendingFen) },
          { title: t('dashboard.frozen'), key: 'frozen', align: 'right', render: (_v, m) => formatFen(m.payables.frozenFen) },
          { title: t('dashboard.payable'), key: 'payable', align: 'right', render: (_v, m) => formatFen(m.payables.availableUnwithdrawnFen) },
        ]}
      />
    </Card>
  );
}

/** "2026-11-23" → "11-23" for the axis */
const shortDate = (d: string) => d.slice(5);
const yuan = (fen: number) => Math.round(fen) / 100; // chart scale only; labels use formatFen

export default function DashboardPage() {
  const t = useT();
  const mobile = useIsMobile();
  const dash = useApi<Dashboard>('/api/admin/dashboard');
  const [period, setPeriod] = useState<'today' | 'month' | 'all'>('month');
  const ranking = useApi<Items<RankingRow>>('/api/admin/commission/ranking', { period, limit: 10 });
  const d = dash.data;
  // per-mode figures come from the analytics, which support does not see
  const { me } = useAuth();
  const seesChannels = !!me?.hqRole && me.hqRole !== 'support';

  const gmvOption = useMemo<ChartOption>(() => {
    const trend = d?.trend ?? [];
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: undefined,
        formatter: (params: Array<{ axisValue: string; seriesName: string; marker: string; dataIndex: number; seriesIndex: number }>) => {
          if (!params.length) return '';
          const row = trend[params[0].dataIndex];
          const lines = params.map((p) => `${p.marker}${p.seriesName}: ${p.seriesIndex === 0 ? formatFen(row.gmvFen) : formatInt(row.orders)}`);
          return [row.date, ...lines].join('<br/>');
        },
      },
      legend: { data: [t('dashboard.gmv'), t('dashboard.orders')], top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: trend.map((p) => shortDate(p.date)), boundaryGap: false },
      yAxis: [
        { type: 'value', name: '¥', axisLabel: { formatter: (v: number) => (v >= 10_000 ? `${v / 10_000}w` : String(v)) } },
        { type: 'value', name: t('dashboard.ordersAxis'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { name: t('dashboard.gmv'), type: 'line', smooth: true, showSymbol: false, areaStyle: { opacity: 0.12 }, data: trend.map((p) => yuan(p.gmvFen)), yAxisIndex: 0 },
        { name: t('dashboard.orders'), type: 'line', smooth: true, showSymbol: false, data: trend.map((p) => p.orders), yAxisIndex: 1 },
      ],
    };
  }, [d, t]);

  const barOption = useMemo<ChartOption>(() => {
    const trend = d?.trend ?? [];
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (params: Array<{ seriesName: string; marker: string; dataIndex: number; seriesIndex: number }>) => {
          if (!params.length) return '';
          const row = trend[params[0].dataIndex];
          const lines = params.map((p) => `${p.marker}${p.seriesName}: ${p.seriesIndex === 0 ? formatFen(row.commissionFen) : formatInt(row.newMembers)}`);
          return [row.date, ...lines].join('<br/>');
        },
      },
      legend: { data: [t('dashboard.commission'), t('dashboard.newMembers')], top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: trend.map((p) => shortDate(p.date)) },
      yAxis: [
        { type: 'value', name: '¥' },
        { type: 'value', name: t('dashboard.peopleAxis'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { name: t('dashboard.commission'), type: 'bar', data: trend.map((p) => yuan(p.commissionFen)), itemStyle: { color: '#fa8c16' } },
        { name: t('dashboard.newMembers'), type: 'bar', yAxisIndex: 1, data: trend.map((p) => p.newMembers), itemStyle: { color: '#52c41a' } },
      ],
    };
  }, [d, t]);

  const commissionCards: Array<{ key: keyof Dashboard['commission']; label: Key; testId: string; color?: string }> = [
    { key: 'pendingFen', label: 'dashboard.pending', testId: 'dashboard-pending-commission' },
    { key: 'frozenFen', label: 'dashboard.frozen', testId: 'dashboard-frozen-commission', color: '#1677ff' },
    { key: 'payableFen', label: 'dashboard.payable', testId: 'dashboard-payable-commission', color: '#fa8c16' },
    { key: 'paidFen', label: 'dashboard.paid', testId: 'dashboard-paid-commission', color: '#52c41a' },
  ];

  return (
    <div data-testid="dashboard">
      <TodoRow />
      {dash.error && (
        <Alert
          type={dash.error.status === 404 ? 'warning' : 'error'}
          showIcon
          style={{ marginBottom: 16 }}
          title={dash.error.status === 404 ? t('dashboard.unavailable') : describeError(dash.error, t)}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <PeriodCard title={t('dashboard.today')} figures={d?.today} prefix="today" />
        </Col>
        <Col xs={24} xl={12}>
          <PeriodCard title={t('dashboard.month')} figures={d?.month} prefix="month" />
        </Col>
        <Col span={24}>
          <Card title={t('dashboard.commissionTitle')} size="small">
            <Row gutter={[16, 16]}>
              {commissionCards.map((c) => (
                <Col key={c.key} xs={12} md={6}>
                  <FenStat title={t(c.label)} fen={d?.commission[c.key]} testId={c.testId} color={c.color} />
                </Col>
              ))}
            </Row>
            {!!d?.commission.withdrawingFen && (
              <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
                {t('dashboard.withdrawingNote', { amount: formatFen(d.commission.withdrawingFen) })}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.gmvTrend')} size="small">
            {dash.loading && !d ? <Skeleton active /> : <EChart option={gmvOption} height={mobile ? 240 : 300} testId="dashboard-gmv-chart" />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.commissionTrend')} size="small">
            {dash.loading && !d ? <Skeleton active /> : <EChart option={barOption} height={mobile ? 240 : 300} testId="dashboard-commission-chart" />}
          </Card>
        </Col>
        {seesChannels && (
          <Col span={24}>
            <ChannelModesCard />
          </Col>
        )}
        <Col span={24}>
          <Card
            title={t('dashboard.ranking')}
            size="small"
            extra={
              <Segmented
                size="small"
                value={period}
                onChange={(v) => setPeriod(v as typeof period)}
                options={[
                  { label: t('dashboard.periodToday'), value: 'today' },
                  { label: t('dashboard.periodMonth'), value: 'month' },
                  { label: t('dashboard.periodAll'), value: 'all' },
                ]}
                data-testid="ranking-period"
              />
            }
          >
            {ranking.error && <Alert type="error" showIcon title={describeError(ranking.error, t)} style={{ marginBottom: 12 }} />}
            <Table<RankingRow>
              size="small"
              rowKey="memberId"
              loading={ranking.loading}
              dataSource={ranking.data?.items ?? []}
              pagination={false}
              scroll={{ x: 520 }}
              data-testid="ranking-table"
              columns={[
                { title: '#', key: 'rank', width: 56, render: (_v, _r, i) => <Typography.Text strong={i < 3}>{i + 1}</Typography.Text> },
                { title: t('member.nickname'), dataIndex: 'nickname', render: (n: string, r) => `${n} (#${r.memberId})` },
                { title: t('member.phone'), dataIndex: 'phone' },
                { title: t('dashboard.earned'), dataIndex: 'earnedFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('dashboard.orderCount'), dataIndex: 'orderCount', align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
