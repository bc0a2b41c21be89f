// 我的代理 (the agent's own screen): its region or level and term, its awards, and the orders attributed to it.
import { Alert, Card, Descriptions, Space, Statistic, Table, Tabs, Tag } from 'antd';
import { formatDate, formatDateTime } from '../../format';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { AgentStateTag, agentScope } from './shared';
import type { Agent, AgentEarning, AgentEarnings, AgentOrder } from './types';

export default function MyAgencyPage() {
  const t = useFeatureT();
  const coreT = useT();
  const agent = useApi<Agent>('/api/agent/me');
  const earnings = useApi<AgentEarnings>('/api/agent/earnings', { limit: 50 });
  const orders = useApi<Items<AgentOrder>>('/api/agent/orders', { limit: 50 });
  const error = agent.error ?? earnings.error ?? orders.error;
  const a = agent.data;
  const s = earnings.data?.summary;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={describeError(error, coreT)} />}
      {a && (
        <Card title={t('channels.my.title')} data-testid="my-agency">
          <Descriptions column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('channels.agent.scope')}>{agentScope(a, t)}</Descriptions.Item>
            <Descriptions.Item label={t('channels.agent.term')}>{`${formatDate(a.termStart)} – ${formatDate(a.termEnd)}`}</Descriptions.Item>
            <Descriptions.Item label={t('channels.agent.state')}><AgentStateTag state={a.state} /></Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      {s && (
        <Card data-testid="my-agency-earnings">
          <Space size={32} wrap>
            <Statistic title={t('channels.earning.pending')} value={formatFen(s.pendingFen)} />
            <Statistic title={t('channels.earning.frozen')} value={formatFen(s.frozenFen)} />
            <Statistic title={t('channels.earning.available')} value={formatFen(s.availableFen)} />
            <Statistic title={t('channels.earning.referral')} value={formatFen(s.referralAwardFen)} />
            <Statistic title={t('channels.level.referralPoints')} value={s.referralAwardPoints} />
          </Space>
        </Card>
      )}
      <Card>
        <Tabs
          items={[
            {
              key: 'earnings',
              label: t('channels.my.earnings'),
              children: (
                <Table<AgentEarning>
                  rowKey="id"
                  size="small"
                  loading={earnings.loading}
                  dataSource={earnings.data?.items ?? []}
                  scroll={{ x: 800 }}
                  data-testid="my-agency-earnings-table"
                  columns={[
                    { title: t('channels.order.no'), dataIndex: 'orderNo' },
                    { title: t('channels.earning.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`channels.earning.${k}`)}</Tag> },
                    { title: t('channels.earning.base'), dataIndex: 'baseFen', align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('channels.earning.rate'), dataIndex: 'rateBp', align: 'right', render: (v: number | null) => formatBp(v) },
                    { title: t('channels.earning.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('channels.earning.reversed'), dataIndex: 'reversedFen', align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('channels.earning.state'), dataIndex: 'state' },
                    { title: t('channels.earning.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                  ]}
                />
              ),
            },
            {
              key: 'referrals',
              label: t('channels.my.referrals'),
              children: (
                <Table
                  rowKey="appointedAgentId"
                  size="small"
                  dataSource={earnings.data?.referralAwards ?? []}
                  data-testid="my-agency-referrals"
                  columns={[
                    { title: t('channels.agent.member'), dataIndex: 'nickname' },
                    { title: t('channels.earning.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
                    { title: t('channels.level.referralPoints'), dataIndex: 'points', align: 'right' },
                    { title: t('channels.earning.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                  ]}
                />
              ),
            },
            {
              key: 'orders',
              label: t('channels.my.orders'),
              children: (
                <Table<AgentOrder>
                  rowKey="id"
                  size="small"
                  loading={orders.loading}
                  dataSource={orders.data?.items ?? []}
                  data-testid="my-agency-orders"
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
      </Card>
    </Space>
  );
}
