// 渠道业绩: per earning mode (distribution, agents, coupon guides, suppliers, dealers) the orders, base,
// earned, reversed and what HQ still owes by state; pickup vs express GMV.
import { Alert, Card, Col, Empty, Row, Skeleton, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { EChart, type ChartOption } from '../../components/EChart';
import { formatInt } from '../../format';
import { describeError, useApi, useIsMobile } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { yuan } from './charts';
import { RangeControl, type DayRange } from './RangeControl';
import type { Channels, ModeFigures } from './types';

export default function ChannelPerformancePage() {
  const t = useFeatureT();
  const core = useT();
  const mobile = useIsMobile();
  const [range, setRange] = useState<DayRange | null>(null);
  const channels = useApi<Channels>('/api/admin/insights/channels', range ? { ...range } : undefined);
  const c = channels.data;
  const modes = useMemo(() => c?.modes ?? [], [c]);
  const owed = modes.filter((m) => m.payables.pendingFen + m.payables.frozenFen + m.payables.availableUnwithdrawnFen > 0);

  const payablesOption = useMemo<ChartOption>(() => {
    const shown = modes.filter((m) => m.payables.pendingFen + m.payables.frozenFen + m.payables.availableUnwithdrawnFen > 0);
    const series = [
      { key: 'pendingFen', label: t('insights.pending'), color: '#faad14' },
      { key: 'frozenFen', label: t('insights.frozen'), color: '#1677ff' },
      { key: 'availableUnwithdrawnFen', label: t('insights.availableUnwithdrawn'), color: '#52c41a' },
    ] as const;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', name: '¥' },
      yAxis: { type: 'category', inverse: true, data: shown.map((m) => t(`insights.kind.${m.kind}`)) },
      series: series.map((s) => ({ name: s.label, type: 'bar', stack: 'owed', itemStyle: { color: s.color }, data: shown.map((m) => yuan(m.payables[s.key])) })),
    };
  }, [modes, t]);

  const totals = c
    ? [
        { key: 'total', title: t('insights.owedTotal'), fen: c.payables.totalFen, color: '#cf1322' },
        { key: 'pending', title: t('insights.pending'), fen: c.payables.pendingFen },
        { key: 'frozen', title: t('insights.frozen'), fen: c.payables.frozenFen },
        { key: 'available', title: t('insights.availableUnwithdrawn'), fen: c.payables.availableUnwithdrawnFen },
        { key: 'withdrawing', title: t('insights.withdrawing'), fen: c.payables.withdrawingFen },
        { key: 'paid-out', title: t('insights.paidOut'), fen: c.payables.paidOutFen, color: '#52c41a' },
      ]
    : [];

  return (
    <div data-testid="insights-channels">
      <Card size="small" style={{ marginBottom: 16 }}>
        <RangeControl value={range} onChange={setRange} allowAll testId="insights-channels-range" />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
          {t('insights.channelsNote')}
        </Typography.Paragraph>
      </Card>
      {channels.error && <Alert type="error" showIcon title={describeError(channels.error, core)} style={{ marginBottom: 16 }} />}
      {!c && channels.loading ? (
        <Skeleton active />
      ) : (
        c && (
          <Row gutter={[16, 16]}>
            <Col span={24}>
              <Card title={t('insights.payablesTitle')} size="small">
                <Row gutter={[16, 16]}>
                  {totals.map((x) => (
                    <Col key={x.key} xs={12} md={8} xl={4}>
                      <Statistic title={x.title} value={formatFen(x.fen)} styles={{ content: { color: x.color, fontVariantNumeric: 'tabular-nums' } }} data-testid={`insights-payables-${x.key}`} />
                    </Col>
                  ))}
                </Row>
                {(c.payables.otherAvailableFen > 0 || c.payables.debtFen > 0) && (
                  <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
                    {t('insights.otherAvailableNote', { other: formatFen(c.payables.otherAvailableFen), debt: formatFen(c.payables.debtFen) })}
                  </Typography.Text>
                )}
              </Card>
            </Col>
            <Col span={24}>
              <Card title={t('insights.modesTitle')} size="small">
                <Table<ModeFigures>
                  rowKey="kind"
                  size="small"
                  pagination={false}
                  dataSource={modes}
                  scroll={{ x: 1200 }}
                  data-testid="insights-modes-table"
                  onRow={(r) => ({ 'data-testid': `insights-mode-${r.kind}` }) as React.HTMLAttributes<HTMLElement>}
                  columns={[
                    { title: t('insights.mode'), dataIndex: 'kind', width: 150, fixed: mobile ? undefined : 'left', render: (k: string) => t(`insights.kind.${k}`) },
                    { title: t('insights.orders'), dataIndex: 'orders', width: 80, align: 'right', render: formatInt },
                    { title: t('insights.earners'), dataIndex: 'earners', width: 80, align: 'right', render: formatInt },
                    { title: t('insights.base'), dataIndex: 'baseFen', width: 120, align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('insights.earned'), dataIndex: 'earnedFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('insights.reversed'), dataIndex: 'reversedFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('insights.net'), dataIndex: 'netFen', width: 110, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
                    { title: t('insights.pending'), key: 'pending', width: 110, align: 'right', render: (_v, r) => formatFen(r.payables.pendingFen) },
                    { title: t('insights.frozen'), key: 'frozen', width: 110, align: 'right', render: (_v, r) => formatFen(r.payables.frozenFen) },
                    { title: t('insights.availableUnwithdrawn'), key: 'available', width: 130, align: 'right', render: (_v, r) => formatFen(r.payables.availableUnwithdrawnFen) },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Card title={t('insights.payablesChartTitle')} size="small" style={{ height: '100%' }}>
                {owed.length === 0 ? (
                  <Empty description={t('insights.nothingOwed')} data-testid="insights-payables-empty" />
                ) : (
                  <EChart option={payablesOption} height={Math.max(200, 60 + owed.length * 44)} testId="insights-payables-chart" />
                )}
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t('insights.deliveryTitle')} size="small" style={{ height: '100%' }} data-testid="insights-delivery">
                <Row gutter={[16, 16]}>
                  {(['express', 'pickup'] as const).map((m) => (
                    <Col key={m} span={12}>
                      <Statistic title={t(`insights.delivery.${m}`)} value={formatFen(c.delivery[m].gmvFen)} data-testid={`insights-delivery-${m}`} />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('insights.deliveryDetail', { orders: formatInt(c.delivery[m].orders), refunded: formatFen(c.delivery[m].refundedFen), net: formatFen(c.delivery[m].netFen) })}
                      </Typography.Text>
                    </Col>
                  ))}
                </Row>
              </Card>
            </Col>
          </Row>
        )
      )}
    </div>
  );
}
