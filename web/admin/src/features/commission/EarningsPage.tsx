// 佣金明细: every commission earning, newest first, filtered by earner and state (deep-linkable:
// ?memberId=&state=&held=&page=; held=true: those a risk rule or an open after-sales request holds back, what the
// dashboard's 待办 counts); the order opens in the order drawer; 导出 exports with the same filters,
// a kind and a created-date range (GET /api/admin/commissions/export).
import { Alert, Card, Checkbox, Form, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ExportButton } from '../../components/ExportButton';
import { MemberSelect } from '../../components/MemberSelect';
import { OrderDrawer } from '../../components/OrderDrawer';
import { enumLabel, StatusTag } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { ResponseOf } from '../../../../shared/api';
import type { Items } from '../../types';

type Earning = ResponseOf<'/api/admin/commission/earnings'>['items'][number];

const STATES = ['pending', 'frozen', 'available', 'reversed'] as const;
const KINDS = ['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate'] as const;
const num = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export default function EarningsPage() {
  const t = useT();
  const ft = useFeatureT();
  const mobile = useIsMobile();
  const [params, setParams] = useSearchParams();
  const memberId = num(params.get('memberId'));
  const state = params.get('state') ?? undefined;
  const held = params.get('held') === 'true';
  const page = num(params.get('page')) ?? 1;
  const pageSize = 20;
  const [orderId, setOrderId] = useState<number | null>(null);
  const [exportKind, setExportKind] = useState<string | undefined>();
  const list = useApi<Items<Earning>>('/api/admin/commission/earnings', { memberId, state, held: held ? 'true' : undefined, limit: pageSize, offset: (page - 1) * pageSize });
  const kindLabel = (k: string) => t.maybe(`enum.earningKind.${k}`) ?? k;

  const update = (patch: Record<string, string | number | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const items = list.data?.items ?? [];
  // the API gives no total: allow one more page while a page comes back full
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <MemberSelect value={memberId ?? null} onChange={(id) => update({ memberId: id })} placeholder={t('earnings.memberPlaceholder')} testId="earnings-filter-member" style={{ width: 260 }} />
          <Select
            allowClear
            placeholder={t('common.status')}
            value={state}
            onChange={(v) => update({ state: v })}
            style={{ width: 150 }}
            options={STATES.map((s) => ({ value: s, label: enumLabel(t, 'earning', s) }))}
            data-testid="earnings-filter-state"
          />
          <Checkbox checked={held} onChange={(e) => update({ held: e.target.checked ? 'true' : undefined })} data-testid="earnings-filter-held">
            {ft('todo.earnings.heldOnly')}
          </Checkbox>
        </Space>
        <ExportButton
          path="/api/admin/commissions/export"
          filters={{ state, earnerId: memberId, kind: exportKind }}
          fileName="commissions"
          title="export.earningsTitle"
          rangeLabel="export.rangeCreated"
          testId="earnings-export"
        >
          <Form.Item label={t('export.kind')}>
            <Select allowClear placeholder={t('common.all')} value={exportKind} onChange={setExportKind} options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} data-testid="earnings-export-kind" />
          </Form.Item>
        </ExportButton>
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Earning>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1400 }}
        data-testid="earnings-table"
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: (p) => update({ page: p === 1 ? undefined : p }) }}
        columns={[
          { title: t('earnings.createdAt'), dataIndex: 'createdAt', width: 170, fixed: mobile ? undefined : 'left', render: formatDateTime },
          { title: t('order.orderNo'), dataIndex: 'orderNo', width: 210, render: (no: string, r) => <a onClick={() => setOrderId(r.orderId)}>{no}</a> },
          { title: t('dryRun.earner'), dataIndex: 'earnerNickname', width: 150, render: (n: string, r) => <a onClick={() => update({ memberId: r.earnerId })}>{`${n} (#${r.earnerId})`}</a> },
          { title: t('earnings.buyer'), dataIndex: 'buyerNickname', width: 150, render: (n: string, r) => `${n} (#${r.buyerId})` },
          { title: t('earnings.kind'), dataIndex: 'kind', width: 120, render: kindLabel },
          { title: t('dryRun.level'), dataIndex: 'level', width: 80, render: (l: number) => <Tag color="orange">{t('rules.levelN', { n: l })}</Tag> },
          { title: t('dryRun.base'), dataIndex: 'baseFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('dryRun.rate'), dataIndex: 'rateBp', width: 80, align: 'right', render: (v: number | null) => (v === null ? '—' : formatBp(v)) },
          { title: t('dryRun.amount'), dataIndex: 'amountFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('order.reversed'), dataIndex: 'reversedFen', width: 110, align: 'right', render: (v: number) => (v ? <span style={{ color: '#cf1322' }}>{formatFen(-v)}</span> : '—') },
          {
            title: t('common.status'),
            dataIndex: 'state',
            width: 110,
            // a risk rule holds it (风控审核): it does not unfreeze until finance decides
            render: (s: string, e: Earning) => (
              <Space size={4} wrap>
                <StatusTag group="earning" value={s} />
                {e.riskHold && <Tag color="gold" data-testid="earning-risk-hold">{ft('risk.status.held')}</Tag>}
                {e.afterSalesHold && <Tag color="orange" data-testid="earning-after-sales-hold">{ft('todo.earnings.afterSalesHold')}</Tag>}
              </Space>
            ),
          },
          { title: t('earnings.frozenUntil'), dataIndex: 'frozenUntil', width: 170, render: formatDateTime },
        ]}
      />
      <OrderDrawer orderId={orderId} onClose={() => setOrderId(null)} onChanged={list.reload} />
    </Card>
  );
}
