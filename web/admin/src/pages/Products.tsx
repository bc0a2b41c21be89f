// 商品: list, create (with SKUs), edit a product and its pictures (components/ProductImages.tsx), its specs and
// SKU matrix (components/SpecsEditor.tsx), a SKU's price / stock (and the name of a SKU without specs).
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal } from '../components/FormModal';
import { imageListsOf, imagesBody, imagesChanged, ProductImagesEditor, type ImageLists } from '../components/ProductImages';
import { SpecsEditor } from '../components/SpecsEditor';
import { StatusTag } from '../components/StatusTag';
import { describeError, useApi, useRun, useIsMobile } from '../hooks';
import { useFeatureT, useT, type Translate } from '../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../shared/money';
import type { Items, Product, Sku } from '../types';

interface SkuForm {
  name: string;
  price: string;
  stock: number;
}
interface ProductForm {
  title: string;
  description?: string;
  category?: string;
  status: 'on_sale' | 'off_sale';
  selectable: boolean;
  /** 限购; empty: none */
  maxPerMember?: number | null;
  skus: SkuForm[];
}

const priceRule = (t: Translate): Rule => ({
  validator: (_r, v: string | undefined) => {
    const fen = parseYuanToFen(String(v ?? ''));
    return fen !== null && fen >= 1 ? Promise.resolve() : Promise.reject(new Error(t('products.badPrice')));
  },
});

export default function ProductsPage() {
  const t = useT();
  // 限购's strings come with the flash-sales feature's dictionary
  const featureT = useFeatureT();
  const mobile = useIsMobile();
  const { can } = useAuth();
  const writable = can('products.write');
  const [q, setQ] = useState('');
  const list = useApi<Items<Product>>('/api/admin/products', { q: q || undefined, limit: 100 });
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [editingSku, setEditingSku] = useState<Sku | null>(null);
  const [editingSpecs, setEditingSpecs] = useState<Product | null>(null);
  const { run } = useRun();
  const { message } = App.useApp();
  const [images, setImages] = useState<ImageLists>(() => imageListsOf(null));
  useEffect(() => setImages(imageListsOf(editing === 'new' ? null : editing)), [editing]);

  const saveProduct = async (v: ProductForm) => {
    if (images.pending.pictures + images.pending.detail > 0) {
      message.warning(t('products.uploadsPending'));
      return false;
    }
    // imageUrl follows the main picture (the server keeps it): the form no longer sends one
    const base = { title: v.title.trim(), description: v.description ?? '', category: v.category?.trim() ?? '', status: v.status, selectable: v.selectable, maxPerMember: v.maxPerMember ?? null };
    const saved = editing === 'new' ? null : editing;
    const ok = await run(
      async () => {
        const product =
          saved === null
            ? await api.post<Product>('/api/admin/products', { ...base, skus: v.skus.map((s) => ({ name: s.name.trim(), priceFen: parseYuanToFen(s.price)!, stock: s.stock })) })
            : await api.patch<Product>(`/api/admin/products/${saved!.id}`, base);
        if (imagesChanged(images, saved)) await api.put(`/api/admin/products/${product.id}/images`, imagesBody(images));
        return product;
      },
      { success: t('common.saved') },
    );
    if (ok === undefined) return false;
    list.reload();
    return true;
  };

  const saveSku = async (v: SkuForm) => {
    if (!editingSku) return false;
    // a SKU of a spec matrix is named by its values (renamed in the specs)
    const name = editingSku.specValues.length === 0 ? { name: v.name.trim() } : {};
    const ok = await run(() => api.patch(`/api/admin/skus/${editingSku.id}`, { ...name, priceFen: parseYuanToFen(v.price)!, stock: v.stock }), { success: t('common.saved') });
    if (ok === undefined) return false;
    list.reload();
    return true;
  };

  const toggle = (p: Product) =>
    run(() => api.patch(`/api/admin/products/${p.id}`, { status: p.status === 'on_sale' ? 'off_sale' : 'on_sale' }), { success: t('common.saved') }).then((r) => r !== undefined && list.reload());

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Input.Search allowClear placeholder={t('products.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 260 }} data-testid="products-search" />
        {writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="product-create">
            {t('products.create')}
          </Button>
        )}
      </Space>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Product>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="products-table"
        expandable={{
          expandedRowRender: (p) => (
            <Table<Sku>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={p.skus}
              data-testid={`product-skus-${p.id}`}
              columns={[
                { title: 'SKU ID', dataIndex: 'id', width: 80 },
                { title: t('products.skuName'), dataIndex: 'name', render: (v: string, s: Sku) => (<Space size={6}>{s.image && <img src={s.image.thumb.url} alt="" width={28} height={28} style={{ objectFit: 'cover', borderRadius: 4 }} />}{v}</Space>) },
                { title: t('products.price'), dataIndex: 'priceFen', align: 'right', render: (v: number) => formatFen(v) },
                { title: t('products.stock'), dataIndex: 'stock', align: 'right' },
                ...(writable
                  ? [{ title: t('common.actions'), key: 'a', width: 90, render: (_v: unknown, s: Sku) => <Button type="link" size="small" onClick={() => setEditingSku(s)} data-testid={`sku-edit-${s.id}`}>{t('common.edit')}</Button> }]
                  : []),
              ]}
            />
          ),
        }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 70 },
          {
            title: t('products.picture'),
            key: 'picture',
            width: 72,
            render: (_v, p) => {
              const src = p.images.main?.thumb.url ?? p.imageUrl;
              return src ? <img src={src} alt="" width={48} height={48} style={{ objectFit: 'cover', borderRadius: 6, display: 'block' }} data-testid={`product-thumb-${p.id}`} /> : <span style={{ color: '#bbb' }}>—</span>;
            },
          },
          { title: t('products.title'), dataIndex: 'title', render: (v: string, p) => (<div><div>{v}</div>{p.description && <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320, fontSize: 12 }}>{p.description}</Typography.Text>}</div>) },
          { title: t('products.category'), dataIndex: 'category', width: 100, render: (v: string) => v || '—' },
          { title: t('products.minPrice'), dataIndex: 'minPriceFen', width: 120, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('products.skuCount'), key: 'skus', width: 80, align: 'right', render: (_v, p) => p.skus.length },
          { title: t('products.stock'), key: 'stock', width: 90, align: 'right', render: (_v, p) => p.skus.reduce((n, s) => n + s.stock, 0) },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 120,
            render: (s: string, p: Product) => (<Space size={4} wrap><StatusTag group="product" value={s} />{!p.selectable && <Tag data-testid={`product-not-selectable-${p.id}`}>{t('products.notSelectable')}</Tag>}</Space>),
          },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 200,
                  fixed: mobile ? undefined : ('right' as const),
                  render: (_v: unknown, p: Product) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(p)} data-testid={`product-edit-${p.id}`}>{t('common.edit')}</Button>
                      <Button type="link" size="small" onClick={() => setEditingSpecs(p)} data-testid={`product-specs-${p.id}`}>{t('products.specs')}</Button>
                      <Button type="link" size="small" onClick={() => toggle(p)} data-testid={`product-toggle-${p.id}`}>
                        {p.status === 'on_sale' ? t('products.takeOff') : t('products.putOn')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />

      <FormModal<ProductForm>
        open={editing !== null}
        title={editing === 'new' ? t('products.create') : t('products.edit')}
        onClose={() => setEditing(null)}
        onSubmit={saveProduct}
        width={720}
        testId="product-form"
        initialValues={
          editing === 'new'
            ? { status: 'on_sale', selectable: true, skus: [{ name: '', price: '', stock: 0 }] }
            : editing
              ? { title: editing.title, description: editing.description, category: editing.category, status: editing.status, selectable: editing.selectable, maxPerMember: editing.maxPerMember }
              : undefined
        }
      >
        <Form.Item name="title" label={t('products.title')} rules={[{ required: true, whitespace: true }, { max: 100 }]}>
          <Input maxLength={100} data-testid="product-title" />
        </Form.Item>
        <Space wrap style={{ width: '100%' }}>
          <Form.Item name="category" label={t('products.category')} rules={[{ max: 50 }]}>
            <Input maxLength={50} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="status" label={t('common.status')}>
            <Select style={{ width: 140 }} options={[{ value: 'on_sale', label: t('enum.product.on_sale') }, { value: 'off_sale', label: t('enum.product.off_sale') }]} />
          </Form.Item>
          <Form.Item name="selectable" label={t('products.selectable')} valuePropName="checked" tooltip={t('products.selectableHint')}>
            <Switch data-testid="product-selectable" />
          </Form.Item>
          <Form.Item name="maxPerMember" label={featureT('products.maxPerMember')} tooltip={featureT('products.maxPerMemberHint')}>
            <InputNumber min={1} max={999} style={{ width: 140 }} data-testid="product-max-per-member" />
          </Form.Item>
        </Space>
        <ProductImagesEditor lists={images} setLists={setImages} />
        <Form.Item name="description" label={t('products.description')} rules={[{ max: 5000 }]}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        {editing === 'new' ? (
          <Form.List name="skus">
            {(fields, { add, remove }) => (
              <>
                <Typography.Text strong>{t('products.skus')}</Typography.Text>
                {fields.map((f, i) => (
                  <Space key={f.key} wrap align="start" style={{ display: 'flex', marginTop: 8 }}>
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('products.skuNameRequired') }, { max: 50 }]} style={{ margin: 0 }}>
                      <Input placeholder={t('products.skuName')} style={{ width: 200 }} data-testid={`product-sku-name-${i}`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'price']} rules={[priceRule(t)]} style={{ margin: 0 }}>
                      <Input prefix="¥" inputMode="decimal" placeholder={t('products.price')} style={{ width: 140 }} data-testid={`product-sku-price-${i}`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'stock']} rules={[{ required: true }]} style={{ margin: 0 }}>
                      <InputNumber min={0} max={10_000_000} precision={0} placeholder={t('products.stock')} style={{ width: 120 }} data-testid={`product-sku-stock-${i}`} />
                    </Form.Item>
                    <Button type="text" danger icon={<MinusCircleOutlined />} disabled={fields.length === 1} onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => add({ name: '', price: '', stock: 0 })} disabled={fields.length >= 50}>
                  {t('products.addSku')}
                </Button>
              </>
            )}
          </Form.List>
        ) : (
          <Alert type="info" showIcon title={t('products.skuEditHint')} />
        )}
      </FormModal>

      <SpecsEditor product={editingSpecs} onClose={() => setEditingSpecs(null)} onSaved={list.reload} />

      <FormModal<SkuForm>
        open={editingSku !== null}
        title={t('products.editSku')}
        onClose={() => setEditingSku(null)}
        onSubmit={saveSku}
        testId="sku-form"
        initialValues={editingSku ? { name: editingSku.name, price: fenToYuanText(editingSku.priceFen), stock: editingSku.stock } : undefined}
      >
        <Form.Item name="name" label={t('products.skuName')} rules={[{ required: true, whitespace: true }, { max: 50 }]} extra={editingSku && editingSku.specValues.length > 0 ? t('products.skuNamedBySpecs') : undefined}>
          <Input maxLength={50} disabled={!!editingSku && editingSku.specValues.length > 0} />
        </Form.Item>
        <Form.Item name="price" label={t('products.price')} rules={[priceRule(t)]}>
          <Input prefix="¥" inputMode="decimal" data-testid="sku-price" />
        </Form.Item>
        <Form.Item name="stock" label={t('products.stock')} rules={[{ required: true }]}>
          <InputNumber min={0} max={10_000_000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
