// 我的商品 (supplier): my products with stock per SKU, my proposals with HQ's review, and a new proposal.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, InputNumber, Space, Table, Tabs, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useState } from 'react';
import { api } from '../../api';
import { FormModal } from '../../components/FormModal';
import { StatusTag } from '../../components/StatusTag';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { ProposalTable } from './ProposalTable';
import type { Proposal, SupplierProduct } from './types';

interface ProposalForm {
  title: string;
  category?: string;
  description?: string;
  skus: Array<{ name: string; retail: string; supply: string; stock: number }>;
}

export default function MyProductsPage() {
  const ft = useFeatureT();
  const t = useT();
  const products = useApi<Items<SupplierProduct>>('/api/supplier/products', { limit: 100 });
  const proposals = useApi<Items<Proposal>>('/api/supplier/proposals', { limit: 100 });
  const [proposing, setProposing] = useState(false);
  const [stock, setStock] = useState<Record<number, number | null>>({});
  const { run } = useRun();

  const yuanRule = (min: number): Rule => ({
    validator: (_r, v: string | undefined) => {
      const fen = parseYuanToFen(String(v ?? ''));
      return fen !== null && fen >= min ? Promise.resolve() : Promise.reject(new Error(ft('suppliers.badPrice')));
    },
  });

  const saveStock = async (skuId: number) => {
    const value = stock[skuId];
    if (value === undefined || value === null) return;
    const ok = await run(() => api.patch(`/api/supplier/skus/${skuId}`, { stock: value }), { success: t('common.saved') });
    if (ok !== undefined) {
      setStock((s) => ({ ...s, [skuId]: undefined as unknown as null }));
      products.reload();
    }
  };

  const propose = async (v: ProposalForm) => {
    const skus = v.skus.map((s) => ({ name: s.name.trim(), retailPriceFen: parseYuanToFen(s.retail)!, supplyPriceFen: parseYuanToFen(s.supply)!, stock: s.stock }));
    const ok = await run(() => api.post('/api/supplier/proposals', { title: v.title.trim(), category: v.category?.trim() || undefined, description: v.description ?? '', skus }), { success: ft('suppliers.proposed') });
    if (ok === undefined) return false;
    proposals.reload();
    return true;
  };

  const error = products.error ?? proposals.error;
  return (
    <Card
      title={ft('suppliers.nav.myProducts')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setProposing(true)} data-testid="supplier-propose">
          {ft('suppliers.propose')}
        </Button>
      }
    >
      {error && <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} />}
      <Tabs
        items={[
          {
            key: 'products',
            label: ft('suppliers.tab.products'),
            children: (
              <Table<SupplierProduct>
                rowKey="id"
                loading={products.loading}
                dataSource={products.data?.items ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                data-testid="supplier-products-table"
                expandable={{
                  defaultExpandAllRows: true,
                  expandedRowRender: (p) => (
                    <Table
                      size="small"
                      rowKey="id"
                      pagination={false}
                      dataSource={p.skus}
                      columns={[
                        { title: ft('suppliers.sku'), dataIndex: 'name' },
                        { title: ft('suppliers.retailPrice'), dataIndex: 'priceFen', align: 'right', render: (v: number) => formatFen(v) },
                        { title: ft('suppliers.supplyPrice'), dataIndex: 'supplyPriceFen', align: 'right', render: (v: number | null) => formatFen(v) },
                        {
                          title: ft('suppliers.stock'),
                          key: 'stock',
                          width: 260,
                          render: (_v, s) => (
                            <Space.Compact>
                              <InputNumber min={0} max={10_000_000} precision={0} value={stock[s.id] ?? s.stock} onChange={(v) => setStock((m) => ({ ...m, [s.id]: v }))} data-testid={`supplier-stock-${s.id}`} />
                              <Button onClick={() => saveStock(s.id)} disabled={stock[s.id] === undefined || stock[s.id] === null || stock[s.id] === s.stock} data-testid={`supplier-stock-save-${s.id}`}>
                                {ft('suppliers.save')}
                              </Button>
                            </Space.Compact>
                          ),
                        },
                      ]}
                    />
                  ),
                }}
                columns={[
                  { title: 'ID', dataIndex: 'id', width: 70 },
                  { title: ft('suppliers.productTitle'), dataIndex: 'title' },
                  { title: ft('suppliers.category'), dataIndex: 'category', width: 110, render: (v: string) => v || '—' },
                  { title: ft('suppliers.stock'), key: 'stock', width: 90, align: 'right', render: (_v, p) => p.skus.reduce((n, s) => n + s.stock, 0) },
                  { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag group="product" value={s} /> },
                ]}
              />
            ),
          },
          {
            key: 'proposals',
            label: ft('suppliers.tab.proposals'),
            children: <ProposalTable loading={proposals.loading} items={proposals.data?.items ?? []} testId="supplier-proposals-table" />,
          },
        ]}
      />
      <FormModal<ProposalForm>
        open={proposing}
        title={ft('suppliers.propose')}
        onClose={() => setProposing(false)}
        onSubmit={propose}
        width={760}
        testId="supplier-proposal-form"
        initialValues={{ skus: [{ name: '', retail: '', supply: '', stock: 0 }] }}
      >
        <Form.Item name="title" label={ft('suppliers.productTitle')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input maxLength={100} data-testid="proposal-title" />
        </Form.Item>
        <Form.Item name="category" label={ft('suppliers.category')} rules={[{ max: 50 }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="description" label={ft('suppliers.description')}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        <Typography.Text type="secondary">{ft('suppliers.skuHint')}</Typography.Text>
        <Form.List name="skus">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap style={{ display: 'flex', marginTop: 8 }}>
                  <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, max: 50 }]}>
                    <Input placeholder={ft('suppliers.sku')} style={{ width: 140 }} data-testid={`proposal-sku-name-${i}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'retail']} rules={[yuanRule(1)]}>
                    <Input prefix="¥" placeholder={ft('suppliers.retailPrice')} style={{ width: 140 }} data-testid={`proposal-sku-retail-${i}`} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'supply']}
                    dependencies={[['skus', field.name, 'retail']]}
                    rules={[
                      yuanRule(0),
                      ({ getFieldValue }) => ({
                        validator: (_r, v: string | undefined) => {
                          const supply = parseYuanToFen(String(v ?? ''));
                          const retail = parseYuanToFen(String(getFieldValue(['skus', field.name, 'retail']) ?? ''));
                          return supply === null || retail === null || supply <= retail ? Promise.resolve() : Promise.reject(new Error(ft('suppliers.supplyAboveRetail')));
                        },
                      }),
                    ]}
                  >
                    <Input prefix="¥" placeholder={ft('suppliers.supplyPrice')} style={{ width: 140 }} data-testid={`proposal-sku-supply-${i}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'stock']} rules={[{ required: true }]}>
                    <InputNumber min={0} max={10_000_000} precision={0} placeholder={ft('suppliers.stock')} data-testid={`proposal-sku-stock-${i}`} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', retail: '', supply: '', stock: 0 })} data-testid="proposal-add-sku">
                {ft('suppliers.addSku')}
              </Button>
            </>
          )}
        </Form.List>
      </FormModal>
    </Card>
  );
}
