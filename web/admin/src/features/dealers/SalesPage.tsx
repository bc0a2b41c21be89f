// 我的销售与收益 (a dealer's own screen): orders sold in its shop and what it earned, with totals.
import { Alert, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { StatusTag } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { DealerProfile, DealerSale } from './types';

export default function SalesPage() {
  const t = useFeatureT();
  const coreT = useT();
  const profile = useApi<DealerProfile>('/api/dealer/me');
  const sales = useApi<Items<DealerSale>>('/api/dealer/sales', { limit: 100 });
  const e = profile.data?.earnings;
  const error = profile.error ?? sales.error;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={describeError(error, coreT)} />}
      <Card data-testid="dealer-earnings">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}><Statistic title={t('dealers.earn.pending')} value={formatFen(e?.saleEarnings.pendingFen ?? 0)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('dealers.earn.frozen')} value={formatFen(e?.saleEarnings.frozenFen ?? 0)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('dealers.earn.available')} value={formatFen(e?.saleEarnings.availableFen ?? 0)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('dealers.earn.lowerHandover')} value={formatFen(e?.lowerRestocks.handoverFen ?? 0)} /></Col>
          <Col xs={12} md={6}><Statistic title={t('dealers.earn.lowerReward')} value={formatFen(e?.lowerRestocks.rewardFen ?? 0)} /></Col>
        </Row>
      </Card>
      <Card>
        <Typography.Paragraph type="secondary">{t('dealers.sales.hint')}</Typography.Paragraph>
        <Table<DealerSale>
          rowKey="orderId"
          loading={sales.loading}
          dataSource={sales.data?.items ?? []}
          pagination={false}
          scroll={{ x: 1100 }}
          data-testid="dealer-sales-table"
          columns={[
            { title: t('dealers.sales.order'), dataIndex: 'orderNo', width: 200 },
            { title: t('dealers.sales.items'), dataIndex: 'summary', width: 240 },
            { title: t('dealers.sales.status'), dataIndex: 'orderStatus', width: 110, render: (s: string) => <StatusTag group="order" value={s} /> },
            { title: t('dealers.sales.paid'), dataIndex: 'paidFen', width: 100, align: 'right', render: (v: number) => formatFen(v) },
            { title: t('dealers.sales.refunded'), dataIndex: 'refundedFen', width: 100, align: 'right', render: (v: number) => formatFen(v) },
            { title: t('dealers.sales.commission'), dataIndex: 'commissionFen', width: 110, align: 'right', render: (v: number) => formatFen(Number(v)) },
            { title: t('dealers.sales.earned'), dataIndex: 'earnedFen', width: 110, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(Number(v))}</Typography.Text> },
            { title: coreT('common.time'), dataIndex: 'createdAt', width: 160, render: formatDateTime },
          ]}
        />
      </Card>
    </Space>
  );
}
