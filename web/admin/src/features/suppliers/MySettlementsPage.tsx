// 我的结算 (supplier): settlements per order — supply price × quantity minus the platform fee, capped
// at what the line paid; pending until the order completes, frozen for the return window, then
// available to withdraw (in the shop, like commission); refunds reverse them in proportion.
import { Alert, Card, Col, Row, Segmented, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { StatusTag } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { SettlementLine, SettlementOrder, SettlementState, SupplierMe } from './types';

const STATES: SettlementState[] = ['pending', 'frozen', 'available', 'reversed'];

export default function MySettlementsPage() {
  const ft = useFeatureT();
  const t = useT();
  const [state, setState] = useState<SettlementState | 'all'>('all');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const me = useApi<SupplierMe>('/api/supplier/me');
  const list = useApi<Items<SettlementOrder>>('/api/supplier/settlements', { state: state === 'all' ? undefined : state, limit: pageSize, offset: (page - 1) * pageSize });
  const items = list.data?.items ?? [];
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);
  const s = me.data?.settlements;
  const error = me.error ?? list.error;

  return (
    <Card title={me.data ? `${ft('suppliers.nav.mySettlements')} · ${me.data.companyName}` : ft('suppliers.nav.mySettlements')}>
      {error && <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="supplier-settlement-summary">
        <Col xs={12} md={4}><Statistic title={ft('suppliers.state.pending')} value={formatFen(s?.pendingFen)} /></Col>
        <Col xs={12} md={4}><Statistic title={ft('suppliers.state.frozen')} value={formatFen(s?.frozenFen)} /></Col>
        <Col xs={12} md={4}><Statistic title={ft('suppliers.state.available')} value={formatFen(s?.availableFen)} /></Col>
        <Col xs={12} md={4}><Statistic title={ft('suppliers.feeTotal')} value={formatFen(s?.feeFen)} /></Col>
        <Col xs={12} md={4}><Statistic title={ft('suppliers.withdrawable')} value={formatFen(s?.balances.availableFen)} /></Col>
        <Col xs={12} md={4}><Statistic title={ft('suppliers.withdrawing')} value={formatFen(s?.balances.withdrawingFen)} /></Col>
      </Row>
      <Typography.Paragraph type="secondary">{ft('suppliers.settlementHint', { fee: formatBp(me.data?.platformFeeBp) })}</Typography.Paragraph>
      <Segmented
        style={{ marginBottom: 16, maxWidth: '100%', overflowX: 'auto' }}
        value={state}
        onChange={(v) => {
          setState(v as typeof state);
          setPage(1);
        }}
        options={[{ value: 'all', label: t('common.all') }, ...STATES.map((st) => ({ value: st, label: ft(`suppliers.state.${st}`) }))]}
        data-testid="supplier-settlements-state"
      />
      <Table<SettlementOrder>
        rowKey="orderId"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 900 }}
        data-testid="supplier-settlements-table"
        onRow={(r) => ({ 'data-testid': `supplier-settlement-row-${r.orderId}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: setPage }}
        expandable={{ expandedRowRender: (o) => <SettlementLines lines={o.lines} /> }}
        columns={[
          { title: ft('suppliers.orderNo'), dataIndex: 'orderNo', width: 200 },
          { title: ft('suppliers.orderStatus'), dataIndex: 'orderStatus', width: 100, render: (v: string) => <StatusTag group="order" value={v} /> },
          { title: ft('suppliers.settlement'), dataIndex: 'amountFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: ft('suppliers.reversed'), dataIndex: 'reversedFen', width: 110, align: 'right', render: (v: number) => (v ? formatFen(-v) : '—') },
          { title: ft('suppliers.net'), dataIndex: 'netFen', width: 110, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
          { title: t('common.status'), dataIndex: 'states', width: 160, render: (v: SettlementState[]) => v.map((st) => <StatusTag key={st} group="earning" value={st} />) },
          { title: ft('suppliers.frozenUntil'), dataIndex: 'frozenUntil', width: 170, render: formatDateTime },
          { title: ft('suppliers.paidAt'), dataIndex: 'paidAt', width: 170, render: formatDateTime },
        ]}
      />
    </Card>
  );
}

function SettlementLines({ lines }: { lines: SettlementLine[] }) {
  const ft = useFeatureT();
  return (
    <Table<SettlementLine>
      size="small"
      rowKey="orderLineId"
      pagination={false}
      dataSource={lines}
      columns={[
        { title: ft('suppliers.goods'), dataIndex: 'title' },
        { title: ft('suppliers.quantity'), dataIndex: 'quantity', width: 70, align: 'right' },
        { title: ft('suppliers.supplyTotal'), dataIndex: 'supplyFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
        { title: ft('suppliers.fee'), key: 'fee', width: 140, align: 'right', render: (_v, l) => `${formatFen(-l.feeFen)} (${formatBp(l.feeBp)})` },
        { title: ft('suppliers.settlement'), dataIndex: 'amountFen', width: 140, align: 'right', render: (v: number, l) => (<span>{formatFen(v)}{l.capped && <Tag style={{ marginLeft: 4 }}>{ft('suppliers.capped')}</Tag>}</span>) },
        { title: ft('suppliers.reversed'), dataIndex: 'reversedFen', width: 110, align: 'right', render: (v: number) => (v ? formatFen(-v) : '—') },
        { title: ft('suppliers.stateCol'), dataIndex: 'state', width: 100, render: (v: string | null) => <StatusTag group="earning" value={v} /> },
      ]}
    />
  );
}
