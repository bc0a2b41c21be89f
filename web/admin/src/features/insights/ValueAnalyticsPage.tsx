// 价值分析: order trend (first vs repeat, referral share), repurchase rate, share-link funnel,
// cycle times, and members ranked by value with CSV export.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Drawer, Empty, Row, Skeleton, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { download } from '../../api';
import { EChart, type ChartOption } from '../../components/EChart';
import { formatDateTime, formatInt } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import { percent, shortDate } from './charts';
import { lastDays, RangeControl, type DayRange } from './RangeControl';
import type { CycleTimes, Funnel, MemberValueDetail, MemberValueRow, Trends } from './types';

type SortKey = 'socialValue' | 'direct' | 'indirect' | 'lifetimeSpend' | 'teamSize';
const SORT_BY_COLUMN: Record<string, SortKey> = { socialValueFen: 'socialValue', directSocialFen: 'direct', indirectSocialFen: 'indirect', lifetimeSpendFen: 'lifetimeSpend', teamSize: 'teamSize' };

function TrendCard({ range }: { range: DayRange }) {
  const t = useFeatureT();
  const core = useT();
  const mobile = useIsMobile();
  const { run } = useRun();
  const trends = useApi<Trends>('/api/admin/insights/trends', { ...range });
  const d = trends.data;
  const option = useMemo<ChartOption>(() => {
    const days = d?.days ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map((x) => shortDate(x.date)) },
      yAxis: [
        { type: 'value', name: t('insights.ordersAxis'), minInterval: 1 },
        { type: 'value', name: '%', max: 100, min: 0, splitLine: { show: false } },
      ],
      series: [
        { name: t('insights.firstOrders'), type: 'bar', stack: 'orders', data: days.map((x) => x.firstOrders), itemStyle: { color: '#1677ff' } },
        { name: t('insights.repeatOrders'), type: 'bar', stack: 'orders', data: days.map((x) => x.repeatOrders), itemStyle: { color: '#52c41a' } },
        { name: t('insights.referralShare'), type: 'line', yAxisIndex: 1, smooth: true, showSymbol: false, data: days.map((x) => (x.orders ? percent(x.referralShareBp) : null)), itemStyle: { color: '#fa8c16' } },
        { name: t('insights.repeatShare'), type: 'line', yAxisIndex: 1, smooth: true, showSymbol: false, data: days.map((x) => (x.orders ? percent(x.repeatShareBp) : null)), itemStyle: { color: '#722ed1' } },
      ],
    };
  }, [d, t]);
  const stats = d
    ? [
        { key: 'orders', title: t('insights.orders'), value: formatInt(d.totals.orders) },
        { key: 'repeat-share', title: t('insights.repeatShare'), value: formatBp(d.totals.repeatShareBp) },
        { key: 'referral-share', title: t('insights.referralShare'), value: formatBp(d.totals.referralShareBp) },
        { key: 'repeat-or-referral-share', title: t('insights.repeatOrReferralShare'), value: formatBp(d.totals.repeatOrReferralShareBp) },
        { key: 'repurchase-range', title: t('insights.repurchaseRange'), value: formatBp(d.repurchase.range.rateBp), hint: t('insights.repurchaseHint', { repeat: d.repurchase.range.repeatBuyers, buyers: d.repurchase.range.buyers }) },
        { key: 'repurchase-overall', title: t('insights.repurchaseOverall'), value: formatBp(d.repurchase.overall.rateBp), hint: t('insights.repurchaseHint', { repeat: d.repurchase.overall.repeatBuyers, buyers: d.repurchase.overall.buyers }) },
      ]
    : [];
  return (
    <Card
      title={t('insights.trendTitle')}
      size="small"
      extra={
        <Button size="small" icon={<DownloadOutlined />} data-testid="insights-trend-export" onClick={() => run(() => download('/api/admin/insights/trends/export', { ...range }, 'order-trend.csv'))}>
          {t('insights.exportCsv')}
        </Button>
      }
    >
      {trends.error && <Alert type="error" showIcon title={describeError(trends.error, core)} style={{ marginBottom: 12 }} />}
      {!d && trends.loading ? (
        <Skeleton active />
      ) : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 12 }}>
            {stats.map((s) => (
              <Col key={s.key} xs={12} md={8} xl={4}>
                <Tooltip title={s.hint}>
                  <Statistic title={s.title} value={s.value} data-testid={`insights-stat-${s.key}`} />
                </Tooltip>
              </Col>
            ))}
          </Row>
          {d && d.totals.orders === 0 ? (
            <Empty description={t('insights.noOrders')} data-testid="insights-trend-empty" />
          ) : (
            <EChart option={option} height={mobile ? 240 : 320} testId="insights-trend-chart" />
          )}
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
            {t('insights.trendNote')}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

function FunnelCard({ range }: { range: DayRange }) {
  const t = useFeatureT();
  const core = useT();
  const funnel = useApi<Funnel>('/api/admin/insights/funnel', { ...range });
  const f = funnel.data;
  const option = useMemo<ChartOption>(() => {
    if (!f) return {};
    const stages = [
      { name: t('insights.funnelVisitors'), value: f.visitors },
      { name: t('insights.funnelRegistrations'), value: f.registrations },
      { name: t('insights.funnelFirstOrders'), value: f.firstOrders },
    ];
    return {
      tooltip: { trigger: 'item', formatter: '{b}: {c}' },
      series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', top: 8, bottom: 8, minSize: '8%', gap: 2, label: { show: true, position: 'inside', formatter: '{b}\n{c}' }, data: stages }],
    };
  }, [f, t]);
  return (
    <Card title={t('insights.funnelTitle')} size="small" style={{ height: '100%' }}>
      {funnel.error && <Alert type="error" showIcon title={describeError(funnel.error, core)} />}
      {!f && funnel.loading ? (
        <Skeleton active />
      ) : f && f.visitors === 0 ? (
        <Empty description={t('insights.noVisits')} data-testid="insights-funnel-empty" />
      ) : (
        f && (
          <>
            <EChart option={option} height={240} testId="insights-funnel-chart" />
            <Descriptions size="small" column={1} data-testid="insights-funnel-rates">
              <Descriptions.Item label={t('insights.views')}>{formatInt(f.views)}</Descriptions.Item>
              <Descriptions.Item label={t('insights.visitorToRegistration')}>{formatBp(f.visitorToRegistrationBp)}</Descriptions.Item>
              <Descriptions.Item label={t('insights.registrationToFirstOrder')}>{formatBp(f.registrationToFirstOrderBp)}</Descriptions.Item>
              <Descriptions.Item label={t('insights.visitorToFirstOrder')}>{formatBp(f.visitorToFirstOrderBp)}</Descriptions.Item>
            </Descriptions>
          </>
        )
      )}
    </Card>
  );
}

function CycleCard({ range }: { range: DayRange }) {
  const t = useFeatureT();
  const core = useT();
  const cycle = useApi<CycleTimes>('/api/admin/insights/cycle-times', { ...range });
  const c = cycle.data;
  const spans = useMemo(() => c?.spans ?? [], [c]);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', name: t('insights.daysAxis') },
      yAxis: { type: 'category', inverse: true, data: spans.map((s) => t(`insights.span.${s.span}`)) },
      series: [
        { name: t('insights.median'), type: 'bar', data: spans.map((s) => s.medianDays), itemStyle: { color: '#1677ff' } },
        { name: t('insights.p75'), type: 'bar', data: spans.map((s) => s.p75Days), itemStyle: { color: '#91caff' } },
      ],
    }),
    [spans, t],
  );
  return (
    <Card title={t('insights.cycleTitle')} size="small" style={{ height: '100%' }}>
      {cycle.error && <Alert type="error" showIcon title={describeError(cycle.error, core)} />}
      {!c && cycle.loading ? (
        <Skeleton active />
      ) : c && c.cohortMembers === 0 ? (
        <Empty description={t('insights.noCohort')} data-testid="insights-cycle-empty" />
      ) : (
        c && (
          <>
            <EChart option={option} height={260} testId="insights-cycle-chart" />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
              {t('insights.cycleNote', { n: c.cohortMembers })}
            </Typography.Paragraph>
          </>
        )
      )}
    </Card>
  );
}

function MemberDetail({ memberId, onClose }: { memberId: number | null; onClose: () => void }) {
  const t = useFeatureT();
  const core = useT();
  const detail = useApi<MemberValueDetail>(memberId ? `/api/admin/insights/members/${memberId}` : null);
  const m = detail.data;
  return (
    <Drawer open={memberId !== null} onClose={onClose} size={520} title={m ? `${m.nickname} #${m.memberId}` : t('insights.memberDetail')} data-testid="insights-member-detail">
      {detail.error && <Alert type="error" showIcon title={describeError(detail.error, core)} />}
      {detail.loading || !m ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('insights.lifetimeSpend')} span={2}>
              {formatFen(m.lifetimeSpendFen)} <Typography.Text type="secondary">({t('insights.paidRefunded', { paid: formatFen(m.paidFen), refunded: formatFen(m.refundedFen) })})</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('insights.directSocial')}>{formatFen(m.directSocialFen)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.indirectSocial')}>{formatFen(m.indirectSocialFen)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.teamSize')}>{formatInt(m.teamSize)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.directCount')}>{formatInt(m.directCount)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.fanAt')}>{formatDateTime(m.journey.fanAt)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.memberAt')}>{formatDateTime(m.journey.memberAt)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.firstOrderAt')}>{formatDateTime(m.journey.firstOrderAt)}</Descriptions.Item>
            <Descriptions.Item label={t('insights.distributorAt')}>{formatDateTime(m.journey.distributorAt)}</Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="depth"
            pagination={false}
            dataSource={m.byDepth}
            data-testid="insights-member-depths"
            locale={{ emptyText: t('insights.noTeam') }}
            columns={[
              { title: t('insights.depth'), dataIndex: 'depth', render: (v: number) => (v === 1 ? t('insights.depthDirect') : t('insights.depthN', { n: v })) },
              { title: t('insights.people'), dataIndex: 'members', align: 'right' },
              { title: t('insights.buyers'), dataIndex: 'buyers', align: 'right' },
              { title: t('insights.spend'), dataIndex: 'spendFen', align: 'right', render: (v: number) => formatFen(v) },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

function MemberValueCard() {
  const t = useFeatureT();
  const core = useT();
  const mobile = useIsMobile();
  const { run } = useRun();
  const [sort, setSort] = useState<SortKey>('socialValue');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState(1);
  const [memberId, setMemberId] = useState<number | null>(null);
  const pageSize = 20;
  const list = useApi<{ total: number; items: MemberValueRow[] }>('/api/admin/insights/members', { sort, order, limit: pageSize, offset: (page - 1) * pageSize });
  const sortOrder = (column: string) => (SORT_BY_COLUMN[column] === sort ? (order === 'asc' ? 'ascend' : 'descend') : null);
  return (
    <Card
      title={t('insights.memberValueTitle')}
      size="small"
      extra={
        <Button size="small" icon={<DownloadOutlined />} data-testid="insights-members-export" onClick={() => run(() => download('/api/admin/insights/members/export', { sort, order }, 'member-value.csv'))}>
          {t('insights.exportCsv')}
        </Button>
      }
    >
      {list.error && <Alert type="error" showIcon title={describeError(list.error, core)} style={{ marginBottom: 12 }} />}
      <Table<MemberValueRow>
        rowKey="memberId"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        data-testid="insights-members-table"
        locale={{ emptyText: <Empty description={t('insights.noMembers')} /> }}
        onRow={(r) => ({ 'data-testid': `insights-member-row-${r.memberId}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        onChange={(_p, _f, sorter) => {
          const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<MemberValueRow>;
          const key = SORT_BY_COLUMN[String(s?.field ?? '')];
          if (key && s.order) {
            setSort(key);
            setOrder(s.order === 'ascend' ? 'asc' : 'desc');
          } else {
            setSort('socialValue');
            setOrder('desc');
          }
          setPage(1);
        }}
        columns={[
          { title: t('insights.member'), dataIndex: 'nickname', width: 180, fixed: mobile ? undefined : 'left', render: (v: string, r) => <a onClick={() => setMemberId(r.memberId)}>{v} #{r.memberId}</a> },
          { title: t('insights.phone'), dataIndex: 'phone', width: 130 },
          { title: t('insights.orderCount'), dataIndex: 'orderCount', width: 90, align: 'right' },
          { title: t('insights.lifetimeSpend'), dataIndex: 'lifetimeSpendFen', width: 130, align: 'right', sorter: true, sortOrder: sortOrder('lifetimeSpendFen'), render: (v: number) => formatFen(v) },
          { title: t('insights.directSocial'), dataIndex: 'directSocialFen', width: 140, align: 'right', sorter: true, sortOrder: sortOrder('directSocialFen'), render: (v: number) => formatFen(v) },
          { title: t('insights.indirectSocial'), dataIndex: 'indirectSocialFen', width: 140, align: 'right', sorter: true, sortOrder: sortOrder('indirectSocialFen'), render: (v: number) => formatFen(v) },
          { title: t('insights.socialValue'), dataIndex: 'socialValueFen', width: 140, align: 'right', sorter: true, sortOrder: sortOrder('socialValueFen'), render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
          { title: t('insights.directCount'), dataIndex: 'directCount', width: 90, align: 'right' },
          { title: t('insights.teamSize'), dataIndex: 'teamSize', width: 100, align: 'right', sorter: true, sortOrder: sortOrder('teamSize') },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
        {t('insights.memberValueNote')}
      </Typography.Paragraph>
      <MemberDetail memberId={memberId} onClose={() => setMemberId(null)} />
    </Card>
  );
}

export default function ValueAnalyticsPage() {
  const [range, setRange] = useState<DayRange>(() => lastDays(30));
  return (
    <div data-testid="insights-value">
      <Card size="small" style={{ marginBottom: 16 }}>
        <RangeControl value={range} onChange={(r) => r && setRange(r)} testId="insights-range" />
      </Card>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <TrendCard range={range} />
        </Col>
        <Col xs={24} xl={10}>
          <FunnelCard range={range} />
        </Col>
        <Col xs={24} xl={14}>
          <CycleCard range={range} />
        </Col>
        <Col span={24}>
          <MemberValueCard />
        </Col>
      </Row>
    </div>
  );
}
