// 佣金试算: what would this cart pay, and to whom, under the current (or an earlier) rule version. No money moves.
import { MinusCircleOutlined, PlusOutlined, CalculatorOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Form, InputNumber, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../api';
import { MemberSelect } from '../components/MemberSelect';
import { useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import { formatBp, formatFen } from '../../../shared/money';
import type { DryRunResult, Items, Product, RulesResponse } from '../types';

interface DryRunForm {
  buyerId: number;
  ruleVersionId?: number;
  items: Array<{ skuId: number; quantity: number }>;
}

export default function DryRunPage() {
  const t = useT();
  const [form] = Form.useForm<DryRunForm>();
  const products = useApi<Items<Product>>('/api/admin/products', { limit: 100 });
  const rules = useApi<RulesResponse>('/api/admin/rules');
  const { run, running } = useRun();
  const [result, setResult] = useState<DryRunResult | null>(null);

  const skuOptions = useMemo(
    () => (products.data?.items ?? []).flatMap((p) => p.skus.map((s) => ({ value: s.id, label: `#${s.id} ${p.title} · ${s.name} · ${formatFen(s.priceFen)}` }))),
    [products.data],
  );

  const submit = async (v: DryRunForm) => {
    const r = await run(() =>
      api.post<DryRunResult>('/api/admin/commission/dry-run', {
        buyerId: v.buyerId,
        items: v.items.map((i) => ({ skuId: i.skuId, quantity: i.quantity })),
        ...(v.ruleVersionId ? { ruleVersionId: v.ruleVersionId } : {}),
      }),
    );
    if (r) setResult(r);
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={9}>
        <Card title={t('dryRun.input')}>
          <Typography.Paragraph type="secondary">{t('dryRun.hint')}</Typography.Paragraph>
          <Form<DryRunForm> form={form} layout="vertical" onFinish={submit} initialValues={{ items: [{ quantity: 1 }] }} data-testid="dry-run-form">
            <Form.Item name="buyerId" label={t('dryRun.buyer')} rules={[{ required: true, message: t('dryRun.buyerRequired') }]}>
              <MemberSelect testId="dry-run-buyer" />
            </Form.Item>
            <Form.Item name="ruleVersionId" label={t('dryRun.ruleVersion')} extra={t('dryRun.ruleVersionHint')}>
              <Select
                allowClear
                placeholder={rules.data ? t('rules.currentVersion', { id: rules.data.current.id }) : ''}
                options={(rules.data?.versions ?? []).map((v) => ({ value: v.id, label: `#${v.id} ${v.note ?? ''}` }))}
              />
            </Form.Item>
            <Form.List name="items" rules={[{ validator: async (_r, items) => (items?.length ? undefined : Promise.reject(new Error(t('dryRun.itemsRequired')))) }]}>
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((f, i) => (
                    <div key={f.key} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginBottom: 8 }}>
                      <Form.Item name={[f.name, 'skuId']} rules={[{ required: true, message: t('dryRun.skuRequired') }]} style={{ margin: 0, flex: 1, minWidth: 0 }}>
                        <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('dryRun.sku')} options={skuOptions} style={{ width: '100%' }} data-testid={`dry-run-sku-${i}`} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'quantity']} rules={[{ required: true }]} style={{ margin: 0 }}>
                        <InputNumber min={1} max={999} precision={0} style={{ width: 80 }} data-testid={`dry-run-qty-${i}`} />
                      </Form.Item>
                      <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} disabled={fields.length === 1} aria-label={t('common.remove')} />
                    </div>
                  ))}
                  <Form.ErrorList errors={errors} />
                  <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} style={{ marginBottom: 16 }} disabled={fields.length >= 50}>
                    {t('dryRun.addItem')}
                  </Button>
                </>
              )}
            </Form.List>
            <Button type="primary" htmlType="submit" icon={<CalculatorOutlined />} loading={running} block data-testid="dry-run-submit">
              {t('dryRun.submit')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={15}>
        <Card title={t('dryRun.result')} data-testid="dry-run-result">
          {!result ? (
            <Empty description={t('dryRun.empty')} />
          ) : (
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Alert type="info" showIcon title={t('dryRun.noMoneyMoves', { id: result.ruleVersionId })} />
              <Row gutter={[16, 16]}>
                <Col xs={12} md={6}><Statistic title={t('order.goods')} value={formatFen(result.quote.goodsFen)} /></Col>
                <Col xs={12} md={6}><Statistic title={t('order.discount')} value={formatFen(-result.quote.discountFen)} /></Col>
                <Col xs={12} md={6}><Statistic title={t('order.shipping')} value={formatFen(result.quote.shippingFen)} /></Col>
                <Col xs={12} md={6}><Statistic title={t('order.payable')} value={formatFen(result.quote.payableFen)} /></Col>
              </Row>
              <Table
                size="small"
                rowKey={(_r, i) => String(i)}
                pagination={false}
                dataSource={result.quote.lines}
                scroll={{ x: 600 }}
                columns={[
                  { title: '#', key: 'i', width: 40, render: (_v, _r, i) => i + 1 },
                  { title: t('order.item'), dataIndex: 'title' },
                  { title: t('order.qty'), dataIndex: 'quantity', align: 'right' },
                  { title: t('order.unitPrice'), dataIndex: 'unitPriceFen', align: 'right', render: (v: number) => formatFen(v) },
                  { title: t('order.discount'), dataIndex: 'discountFen', align: 'right', render: (v: number) => formatFen(v) },
                  { title: t('order.linePaid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => formatFen(v) },
                ]}
              />
              <Descriptions
                size="small"
                column={1}
                items={[{ key: 'total', label: t('dryRun.totalCommission'), children: <Typography.Text strong style={{ fontSize: 18, color: '#fa8c16' }} data-testid="dry-run-total">{formatFen(result.totalCommissionFen)}</Typography.Text> }]}
              />
              <Table
                size="small"
                rowKey={(r) => `${r.lineIndex}-${r.level}-${r.earnerId}`}
                pagination={false}
                dataSource={result.earnings}
                scroll={{ x: 600 }}
                data-testid="dry-run-earnings"
                locale={{ emptyText: t('dryRun.noEarnings') }}
                columns={[
                  { title: t('dryRun.line'), dataIndex: 'lineIndex', width: 60, render: (i: number) => i + 1 },
                  { title: t('dryRun.level'), dataIndex: 'level', width: 90, render: (l: number) => <Tag color={l <= 3 ? 'orange' : 'red'}>{t('rules.levelN', { n: l })}</Tag> },
                  { title: t('dryRun.earner'), dataIndex: 'earnerId', render: (id: number, r) => `${r.earnerNickname ?? ''} (#${id})` },
                  { title: t('dryRun.base'), dataIndex: 'baseFen', align: 'right', render: (v: number) => formatFen(v) },
                  { title: t('dryRun.rate'), dataIndex: 'rateBp', align: 'right', render: (v: number) => formatBp(v) },
                  { title: t('dryRun.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
                ]}
              />
            </Space>
          )}
        </Card>
      </Col>
    </Row>
  );
}
