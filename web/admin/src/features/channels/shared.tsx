// Pieces shared by the HQ and party screens of channels: state tags, target progress, store tables.
import { Card, Progress, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { formatDate, formatDateTime } from '../../format';
import { useFeatureT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { Agent, AgentState, StoreCustomer, StoreOrder, StoreSummary, TargetProgress } from './types';

const STATE_COLORS: Record<AgentState, string> = { active: 'green', upcoming: 'blue', expired: 'default', suspended: 'red' };

export function AgentStateTag({ state }: { state: AgentState }) {
  const t = useFeatureT();
  return (
    <Tag color={STATE_COLORS[state]} data-testid={`agent-state-${state}`}>
      {t(`channels.state.${state}`)}
    </Tag>
  );
}

/** "区域代理 440300（市）" or "非区域代理 · 金牌 5%". */
export function agentScope(agent: Agent, t: (key: string) => string): string {
  if (agent.kind === 'regional') return `${t('channels.kind.regional')} ${agent.regionCode} (${t(`channels.region.${agent.regionLevel}`)}) · ${formatBp(agent.rateBp)}`;
  return `${t('channels.kind.non_regional')} · ${agent.levelName ?? ''} ${agent.salesAwardBp != null ? formatBp(agent.salesAwardBp) : ''}`;
}

export const permilleText = (p: number) => `${(p / 10).toFixed(1)}%`;

export function TargetProgressCard({ progress, year, onYear, extra }: { progress: TargetProgress | undefined; year: number; onYear: (y: number) => void; extra?: React.ReactNode }) {
  const t = useFeatureT();
  const years = [...new Set([year, new Date().getFullYear(), new Date().getFullYear() + 1, ...(progress?.years ?? [])])].sort((a, b) => b - a);
  return (
    <Card
      title={t('channels.target.title')}
      extra={
        <Space>
          <Select value={year} onChange={onYear} options={years.map((y) => ({ value: y, label: String(y) }))} style={{ width: 100 }} data-testid="target-year" />
          {extra}
        </Space>
      }
      data-testid="target-card"
    >
      {progress && (
        <>
          <Space size={32} wrap style={{ marginBottom: 16 }}>
            <Statistic title={t('channels.target.year')} value={formatFen(progress.targetFen)} />
            <Statistic title={t('channels.target.achieved')} value={formatFen(progress.achievedFen)} />
            <div style={{ minWidth: 200 }}>
              <Typography.Text type="secondary">{t('channels.target.progress')}</Typography.Text>
              <Progress percent={Math.min(progress.progressPermille / 10, 100)} format={() => permilleText(progress.progressPermille)} data-testid="target-progress-year" />
            </div>
          </Space>
          {!progress.hasTarget && <Typography.Paragraph type="secondary">{t('channels.target.none')}</Typography.Paragraph>}
          <Table
            rowKey="quarter"
            size="small"
            pagination={false}
            dataSource={progress.quarters}
            data-testid="target-quarters"
            columns={[
              { title: t('channels.target.quarter'), dataIndex: 'quarter', render: (q: number) => `Q${q}` },
              { title: t('channels.target.period'), render: (_: unknown, r) => `${formatDate(r.from)} – ${formatDate(new Date(new Date(r.to).getTime() - 1))}` },
              { title: t('channels.target.amount'), dataIndex: 'targetFen', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('channels.target.achieved'), dataIndex: 'achievedFen', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('channels.target.progress'), dataIndex: 'progressPermille', width: 200, render: (p: number) => <Progress size="small" percent={Math.min(p / 10, 100)} format={() => permilleText(p)} /> },
            ]}
          />
        </>
      )}
    </Card>
  );
}

export function StoreSummaryCard({ summary }: { summary: StoreSummary | undefined }) {
  const t = useFeatureT();
  if (!summary) return null;
  return (
    <Space size={32} wrap data-testid="store-summary">
      <Statistic title={t('channels.store.boundCustomers')} value={summary.boundCustomers} />
      <Statistic title={t('channels.store.creditedOrders')} value={summary.creditedOrders} />
      <Statistic title={t('channels.store.creditedNet')} value={formatFen(summary.creditedNetFen)} />
      <Statistic title={t('channels.store.pickupsWaiting')} value={summary.pickupsWaiting} />
      <Statistic title={t('channels.store.pickupsRedeemed')} value={summary.pickupsRedeemed} />
    </Space>
  );
}

export function StoreOrdersTable({ items, storeId, loading }: { items: StoreOrder[]; storeId: number; loading?: boolean }) {
  const t = useFeatureT();
  return (
    <Table<StoreOrder>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={items}
      scroll={{ x: 900 }}
      data-testid="store-orders"
      columns={[
        { title: t('channels.order.no'), dataIndex: 'orderNo' },
        { title: t('channels.order.buyer'), dataIndex: 'buyerNickname' },
        { title: t('channels.order.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => formatFen(v) },
        { title: t('channels.order.refunded'), dataIndex: 'refundedFen', align: 'right', render: (v: number) => formatFen(v) },
        { title: t('channels.order.status'), dataIndex: 'status' },
        {
          title: t('channels.order.attribution'),
          render: (_: unknown, r) => (
            <Space size={4} wrap>
              {r.creditedStoreId === storeId && <Tag color="green">{t('channels.order.creditedHere')}</Tag>}
              {r.creditedStoreId !== null && r.creditedStoreId !== storeId && <Tag color="orange">{t('channels.order.creditedTo', { id: r.creditedStoreId })}</Tag>}
              {r.pickupStoreId === storeId && <Tag color="blue">{r.redeemedAt ? t('channels.order.pickedUp') : t('channels.order.pickupWaiting')}</Tag>}
            </Space>
          ),
        },
        { title: t('channels.order.paidAt'), dataIndex: 'paidAt', render: (v: string) => formatDateTime(v) },
      ]}
    />
  );
}

export function StoreCustomersTable({ items, loading }: { items: StoreCustomer[]; loading?: boolean }) {
  const t = useFeatureT();
  return (
    <Table<StoreCustomer>
      rowKey="memberId"
      size="small"
      loading={loading}
      dataSource={items}
      data-testid="store-customers"
      columns={[
        { title: t('channels.customer.member'), render: (_: unknown, r) => `${r.nickname} #${r.memberId}` },
        { title: t('channels.customer.phone'), dataIndex: 'phone' },
        { title: t('channels.customer.source'), dataIndex: 'source', render: (s: string) => t(`channels.source.${s}`) },
        { title: t('channels.customer.orders'), dataIndex: 'orderCount', align: 'right' },
        { title: t('channels.customer.boundAt'), dataIndex: 'boundAt', render: (v: string) => formatDateTime(v) },
      ]}
    />
  );
}
