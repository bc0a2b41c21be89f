// An order in full: lines, payments, refunds and the commission it paid; ship, complete and refund per line.
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, Result, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useMemo, useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { formatDateTime } from '../format';
import { describeError, useApi, useIsMobile, useRun } from '../hooks';
import { useT } from '../i18n';
import { fenToYuanText, formatBp, formatFen, newIdempotencyKey, parseYuanToFen } from '../../../shared/money';
import type { Earning, Items, OrderDetail, OrderLine, Refund, RefundRequest } from '../types';
import { FormModal, ReasonField } from './FormModal';
import { ParcelsCard, ShipModal } from './OrderParcels';
import { CampaignTag, enumLabel, StatusTag } from './StatusTag';

interface RefundForm {
  lines: Record<string, string | undefined>;
  shipping?: string;
  reason: string;
}

const refundable = (l: OrderLine) => Math.max(0, l.paidFen - l.refundedFen);

export function OrderDrawer({ orderId, onClose, onChanged }: { orderId: number | null; onClose: () => void; onChanged?: () => void }) {
  const t = useT();
  const { modal } = App.useApp();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const { run, running } = useRun();
  const detail = useApi<OrderDetail>(orderId ? `/api/admin/orders/${orderId}` : null);
  const o = detail.data && detail.data.id === orderId ? detail.data : undefined;
  // a buyer's refund request waiting for review, shown on its order (the list holds every pending one)
  const pendingRequests = useApi<Items<RefundRequest>>(orderId ? '/api/admin/refund-requests' : null, { status: 'pending', limit: 100 });
  const pendingRequest = (pendingRequests.data?.items ?? []).find((r) => r.orderId === orderId);
  const [refunding, setRefunding] = useState(false);
  const [refundKey, setRefundKey] = useState('');

  const shippingRefunded = useMemo(() => (o?.refunds ?? []).filter((r) => r.status !== 'failed').reduce((n, r) => n + (r.shippingFen ?? 0), 0), [o]);
  const shippingRefundable = Math.max(0, (o?.shippingFen ?? 0) - shippingRefunded);
  const canRefund = !!o && can('orders.refund') && ['paid', 'shipped', 'completed'].includes(o.status) && (o.lines.some((l) => refundable(l) > 0) || shippingRefundable > 0);

  const changed = () => {
    detail.reload();
    onChanged?.();
  };

  const [shipping, setShipping] = useState<'ship' | 'add' | null>(null);
  const complete = () =>
    modal.confirm({
      title: t('order.completeConfirm'),
      content: t('order.completeHint'),
      onOk: async () => {
        const r = await run(() => api.post(`/api/admin/orders/${o!.id}/complete`), { success: t('common.done') });
        if (r !== undefined) changed();
      },
    });

  const submitRefund = async (v: RefundForm) => {
    if (!o) return false;
    const lines = o.lines
      .map((l) => ({ lineId: l.id, amountFen: parseYuanToFen(v.lines?.[String(l.id)] ?? '') ?? 0 }))
      .filter((l) => l.amountFen > 0);
    const shippingFen = v.shipping ? parseYuanToFen(v.shipping) ?? 0 : 0;
    if (lines.length === 0 && shippingFen === 0) {
      modal.warning({ title: t('order.refundNothing') });
      return false;
    }
    const res = await run(
      () =>
        api.post<{ refundNo: string; status: string; amountFen: number; duplicate: boolean }>(`/api/admin/orders/${o.id}/refunds`, {
          lines,
          ...(shippingFen > 0 ? { shippingFen } : {}),
          reason: v.reason.trim(),
          idempotencyKey: refundKey,
        }),
    );
    if (!res) return false;
    modal.success({ title: t('order.refundCreated', { no: res.refundNo }), content: `${formatFen(res.amountFen)} · ${enumLabel(t, 'refund', res.status)}${res.duplicate ? ` · ${t('order.refundDuplicate')}` : ''}` });
    changed();
    return true;
  };

  const amountRule = (max: number): Rule => ({
    validator: (_r, v: string | undefined) => {
      if (v === undefined || v.trim() === '') return Promise.resolve();
      const fen = parseYuanToFen(v);
      if (fen === null) return Promise.reject(new Error(t('rules.badMoney')));
      if (fen > max) return Promise.reject(new Error(t('order.refundTooMuch', { max: formatFen(max) })));
      return Promise.resolve();
    },
  });

  return (
    <Drawer
      open={orderId !== null}
      onClose={onClose}
      size={mobile ? '100%' : 900}
      destroyOnHidden
      title={o ? <Space wrap>{t('order.order')} {o.orderNo}<StatusTag group="order" value={o.status} />{o.campaign && <CampaignTag kind={o.campaign.kind} />}</Space> : t('order.order')}
      extra={
        o && (
          <Space wrap>
            {o.status === 'paid' && can('orders.fulfil') && (
              <Button onClick={() => setShipping('ship')} loading={running} data-testid="order-ship">{t('order.ship')}</Button>
            )}
            {['paid', 'shipped'].includes(o.status) && o.deliveryMethod !== 'pickup' && can('orders.fulfil') && (
              <Button onClick={() => setShipping('add')} data-testid="order-add-parcels">{t('order.addParcels')}</Button>
            )}
            {o.status === 'shipped' && can('orders.fulfil') && (
              <Button onClick={complete} loading={running} data-testid="order-complete">{t('order.complete')}</Button>
            )}
            {canRefund && (
              <Button
                danger
                onClick={() => {
                  setRefundKey(newIdempotencyKey(`admin-refund-${o.id}`));
                  setRefunding(true);
                }}
                data-testid="order-refund"
              >
                {t('order.refund')}
              </Button>
            )}
          </Space>
        )
      }
      data-testid="order-drawer"
    >
      {detail.error ? (
        <Result status="warning" title={describeError(detail.error, t)} />
      ) : !o ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {pendingRequest && (
            <Alert
              type="warning"
              showIcon
              data-testid="order-refund-request"
              data-request-id={pendingRequest.id}
              title={t('order.refundRequestPending', { amount: formatFen(pendingRequest.lines.reduce((n, l) => n + l.amountFen, 0) + pendingRequest.shippingFen) })}
              description={`${t('common.reason')}: ${pendingRequest.reason} · ${formatDateTime(pendingRequest.createdAt)}`}
              action={<a href="/admin/refund-requests">{t('order.refundRequestReview')}</a>}
            />
          )}
          <Descriptions
            size="small"
            bordered
            column={mobile ? 1 : 3}
            data-testid="order-delivery"
            items={[
              { key: 'method', label: t('order.deliveryMethod'), children: t(o.deliveryMethod === 'pickup' ? 'order.delivery.pickup' : 'order.delivery.express') },
              ...(o.shippingAddress
                ? [
                    { key: 'consignee', label: t('order.consignee'), children: <span data-testid="order-consignee">{o.shippingAddress.name}</span> },
                    { key: 'phone', label: t('order.consigneePhone'), children: <span data-testid="order-consignee-phone">{o.shippingAddress.phone}</span> },
                    {
                      key: 'address',
                      label: t('order.address'),
                      children: <span data-testid="order-address">{[o.shippingAddress.province, o.shippingAddress.city, o.shippingAddress.district, o.shippingAddress.detail].filter(Boolean).join(' ')}</span>,
                    },
                  ]
                : o.deliveryMethod === 'pickup'
                  ? [{ key: 'store', label: t('order.pickupStore'), children: o.storeId ? `#${o.storeId}` : '—' }]
                  : []),
              ...(o.buyerNote ? [{ key: 'note', label: t('order.buyerNote'), children: <span data-testid="order-buyer-note">{o.buyerNote}</span> }] : []),
              ...(o.invoice
                ? [
                    {
                      key: 'invoice',
                      label: t('order.invoice'),
                      children: <span data-testid="order-invoice">{`${t(o.invoice.kind === 'company' ? 'order.invoiceCompany' : 'order.invoicePersonal')} · ${o.invoice.title}${o.invoice.taxNo ? ` · ${o.invoice.taxNo}` : ''}`}</span>,
                    },
                  ]
                : []),
            ]}
          />
          <Descriptions
            size="small"
            bordered
            column={mobile ? 1 : 3}
            items={[
              { key: 'buyer', label: t('order.buyer'), children: `#${o.buyerId}` },
              { key: 'source', label: t('order.source'), children: t.maybe(`order.source.${o.source}`) ?? o.source },
              { key: 'sharer', label: t('order.sharer'), children: o.sharerId ? `#${o.sharerId}` : '—' },
              { key: 'goods', label: t('order.goods'), children: formatFen(o.goodsFen) },
              { key: 'discount', label: t('order.discount'), children: formatFen(-o.discountFen) },
              { key: 'shipping', label: t('order.shipping'), children: formatFen(o.shippingFen) },
              { key: 'payable', label: t('order.payable'), children: <Typography.Text strong>{formatFen(o.payableFen)}</Typography.Text> },
              { key: 'paid', label: t('order.paid'), children: formatFen(o.paidFen) },
              { key: 'refunded', label: t('order.refunded'), children: <span style={{ color: o.refundedFen ? '#cf1322' : undefined }}>{formatFen(o.refundedFen)}</span> },
              { key: 'created', label: t('order.createdAt'), children: formatDateTime(o.createdAt) },
              { key: 'paidAt', label: t('order.paidAt'), children: formatDateTime(o.paidAt) },
              { key: 'shippedAt', label: t('order.shippedAt'), children: formatDateTime(o.shippedAt) },
              { key: 'completedAt', label: t('order.completedAt'), children: formatDateTime(o.completedAt) },
              { key: 'closedAt', label: t('order.closedAt'), children: formatDateTime(o.closedAt) },
              { key: 'rule', label: t('order.ruleVersion'), children: o.ruleVersionId ? `#${o.ruleVersionId}` : '—' },
            ]}
          />
          <ParcelsCard order={o} />
          <Card size="small" title={t('order.lines')}>
            <Table<OrderLine>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={o.lines}
              scroll={{ x: 720 }}
              data-testid="order-lines"
              columns={[
                { title: t('order.item'), dataIndex: 'title' },
                { title: t('order.qty'), dataIndex: 'quantity', align: 'right', width: 60 },
                { title: t('order.unitPrice'), dataIndex: 'unitPriceFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('order.discount'), dataIndex: 'discountFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('order.linePaid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('order.refunded'), dataIndex: 'refundedFen', align: 'right', render: (v: number) => (v ? <span style={{ color: '#cf1322' }}>{formatFen(v)}</span> : formatFen(0)) },
              ]}
            />
          </Card>
          <Card size="small" title={t('order.payments')}>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={o.payments}
              scroll={{ x: 640 }}
              columns={[
                { title: t('order.provider'), dataIndex: 'provider', render: (v: string) => t.maybe(`order.provider.${v}`) ?? v },
                { title: t('order.outTradeNo'), dataIndex: 'outTradeNo' },
                { title: t('common.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('common.status'), dataIndex: 'status', render: (s: string) => <Tag data-testid="payment-status">{t.maybe(`enum.payment.${s}`) ?? s}</Tag> },
                { title: t('order.paidAt'), dataIndex: 'paidAt', render: formatDateTime },
              ]}
            />
          </Card>
          <Card size="small" title={t('order.refunds')}>
            <Table<Refund>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={o.refunds}
              scroll={{ x: 640 }}
              data-testid="order-refunds"
              columns={[
                { title: t('refunds.no'), dataIndex: 'refundNo' },
                { title: t('common.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('order.shipping'), dataIndex: 'shippingFen', align: 'right', render: (v: number | undefined) => formatFen(v ?? 0) },
                { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag group="refund" value={s} /> },
                { title: t('common.reason'), dataIndex: 'reason' },
                { title: t('common.time'), dataIndex: 'createdAt', render: formatDateTime },
              ]}
            />
          </Card>
          <Card size="small" title={t('order.earnings')}>
            <Table<Earning>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={o.earnings}
              scroll={{ x: 760 }}
              data-testid="order-earnings"
              columns={[
                { title: t('order.line'), dataIndex: 'orderLineId', render: (id: number) => o.lines.findIndex((l) => l.id === id) + 1 || `#${id}` },
                { title: t('dryRun.level'), dataIndex: 'level', render: (l: number) => <Tag color="orange">{t('rules.levelN', { n: l })}</Tag> },
                { title: t('dryRun.earner'), dataIndex: 'earnerNickname', render: (n: string, r) => `${n} (#${r.earnerId})` },
                { title: t('dryRun.base'), dataIndex: 'baseFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('dryRun.rate'), dataIndex: 'rateBp', align: 'right', render: (v: number) => formatBp(v) },
                { title: t('dryRun.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('order.reversed'), dataIndex: 'reversedFen', align: 'right', render: (v: number) => (v ? <span style={{ color: '#cf1322' }}>{formatFen(-v)}</span> : '—') },
                { title: t('common.status'), dataIndex: 'state', render: (s: string) => <StatusTag group="earning" value={s} /> },
              ]}
            />
          </Card>
        </Space>
      )}

      {o && (
        <FormModal<RefundForm>
          open={refunding}
          title={t('order.refundTitle', { no: o.orderNo })}
          onClose={() => setRefunding(false)}
          onSubmit={submitRefund}
          okText={t('order.refundSubmit')}
          danger
          width={720}
          testId="refund-form"
        >
          {(form) => (
            <>
              <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('order.refundHint')} />
              <Table<OrderLine>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={o.lines}
                scroll={{ x: 560 }}
                columns={[
                  { title: t('order.item'), dataIndex: 'title' },
                  { title: t('order.refundable'), key: 'r', align: 'right', render: (_v, l) => formatFen(refundable(l)) },
                  {
                    title: t('order.refundAmount'),
                    key: 'amount',
                    width: 230,
                    render: (_v, l) => (
                      <Space.Compact>
                        <Form.Item name={['lines', String(l.id)]} rules={[amountRule(refundable(l))]} style={{ margin: 0 }}>
                          <Input prefix="¥" inputMode="decimal" placeholder="0.00" disabled={refundable(l) === 0} style={{ width: 140 }} data-testid={`refund-line-${l.id}`} />
                        </Form.Item>
                        <Button disabled={refundable(l) === 0} onClick={() => form.setFieldValue(['lines', String(l.id)], fenToYuanText(refundable(l)))}>
                          {t('order.refundAll')}
                        </Button>
                      </Space.Compact>
                    ),
                  },
                ]}
              />
              {o.shippingFen > 0 && (
                <Form.Item name="shipping" label={t('order.refundShipping', { max: formatFen(shippingRefundable) })} rules={[amountRule(shippingRefundable)]} style={{ marginTop: 16 }}>
                  <Input prefix="¥" inputMode="decimal" placeholder="0.00" style={{ width: 160 }} disabled={shippingRefundable === 0} data-testid="refund-shipping" />
                </Form.Item>
              )}
              <Form.Item noStyle shouldUpdate>
                {() => {
                  const v = form.getFieldsValue(true) as RefundForm;
                  const total =
                    o.lines.reduce((n, l) => n + (parseYuanToFen(v.lines?.[String(l.id)] ?? '') ?? 0), 0) + (v.shipping ? parseYuanToFen(v.shipping) ?? 0 : 0);
                  return (
                    <Typography.Paragraph style={{ marginTop: 16 }} data-testid="refund-total">
                      {t('order.refundTotal')}: <Typography.Text strong type="danger">{formatFen(total)}</Typography.Text>
                    </Typography.Paragraph>
                  );
                }}
              </Form.Item>
              <ReasonField />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('order.idempotencyKey')}: {refundKey}
              </Typography.Text>
            </>
          )}
        </FormModal>
      )}
      {o && shipping && <ShipModal order={o} mode={shipping} open onClose={() => setShipping(null)} onDone={changed} />}
    </Drawer>
  );
}
