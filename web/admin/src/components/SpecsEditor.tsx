// 规格: a product's attributes (颜色 × 尺码 …, up to three) generate the SKU matrix, one row per
// combination with its price, stock and picture (one of the product's pictures). Rows keep what was
// typed when attributes change; a combination that stays keeps its SKU (the server matches by values).
// Saved with PUT /api/admin/products/:id/specs. Each row shows the SKU's commission override in force
// (set under 规则 › 单独佣金, where commission changes are versioned and approved).
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Input, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../shared/money';
import type { Product } from '../types';

const MAX_ATTRIBUTES = 3;
const MAX_SKUS = 200;

interface Attribute {
  name: string;
  values: string[];
}
interface Row {
  price: string;
  /** 划线价, '' for none */
  listPrice: string;
  stock: number | null;
  imageMediaId: number | null;
}
type Override = { mode: 'rate'; ratesBp: number[] } | { mode: 'fixed'; amountsFen: number[] };

const keyOf = (values: string[]) => JSON.stringify(values);

/** Every combination of the attributes' values, the first attribute varying slowest. */
export function combinationsOf(attributes: Attribute[]): string[][] {
  return attributes.reduce<string[][]>((rows, a) => rows.flatMap((row) => a.values.map((v) => [...row, v])), [[]]);
}

function rowsOf(p: Product): Record<string, Row> {
  return Object.fromEntries(p.skus.map((s) => [keyOf(s.specValues), { price: fenToYuanText(s.priceFen), listPrice: s.listPriceFen == null ? '' : fenToYuanText(s.listPriceFen), stock: s.stock, imageMediaId: s.image?.id ?? null }]));
}

function overrideText(o: Override | undefined): string {
  if (!o) return '—';
  return o.mode === 'rate' ? o.ratesBp.map((bp) => `${bp / 100}%`).join(' / ') : o.amountsFen.map((f) => formatFen(f)).join(' / ');
}

export function SpecsEditor({ product, onClose, onSaved }: { product: Product | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const { run, running } = useRun();
  const [attributes, setAttributes] = useState<Attribute[]>([]);
  const [rows, setRows] = useState<Record<string, Row>>({});
  const [bulk, setBulk] = useState<{ price: string; stock: number | null }>({ price: '', stock: null });
  const rules = useApi<{ current: { config: { commission: { skuOverrides: Record<string, Override> } } } }>(product ? '/api/admin/rules' : null);
  useEffect(() => {
    if (!product) return;
    setAttributes(product.specs.map((a) => ({ name: a.name, values: [...a.values] })));
    setRows(rowsOf(product));
  }, [product]);

  const used = attributes.filter((a) => a.name.trim() && a.values.length > 0);
  const combos = useMemo(() => combinationsOf(used), [JSON.stringify(used)]);
  const skuIdOf = new Map(product?.skus.map((s) => [keyOf(s.specValues), s.id]) ?? []);
  // the product's pictures, and the SKUs' own ones that are not among them
  const pictures = product ? [...new Map([...(product.images.main ? [product.images.main] : []), ...product.images.gallery, ...product.skus.flatMap((k) => (k.image ? [k.image] : []))].map((p) => [p.id, p])).values()] : [];
  const row = (values: string[]): Row => rows[keyOf(values)] ?? { price: '', listPrice: '', stock: null, imageMediaId: null };
  const setRow = (values: string[], patch: Partial<Row>) => setRows((r) => ({ ...r, [keyOf(values)]: { ...row(values), ...patch } }));
  const setAttribute = (i: number, patch: Partial<Attribute>) => setAttributes((list) => list.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const listPriceOf = (v: string[]) => (row(v).listPrice.trim() === '' ? null : parseYuanToFen(row(v).listPrice));
  // a list price, when given, is a price above the SKU's (the server says so too)
  const badListPrice = (v: string[]) => row(v).listPrice.trim() !== '' && !((listPriceOf(v) ?? 0) > (parseYuanToFen(row(v).price) ?? Infinity));
  const incomplete = combos.some((v) => parseYuanToFen(row(v).price) === null || row(v).stock === null || badListPrice(v));

  const save = async () => {
    if (!product) return;
    const body = { attributes: used.map((a) => ({ name: a.name.trim(), values: a.values })), skus: combos.map((v) => ({ specValues: v, priceFen: parseYuanToFen(row(v).price)!, listPriceFen: listPriceOf(v), stock: row(v).stock!, imageMediaId: row(v).imageMediaId })) };
    const ok = await run(() => api.put(`/api/admin/products/${product.id}/specs`, body), { success: t('common.saved') });
    if (ok !== undefined) {
      onSaved();
      onClose();
    }
  };

  const overrides = rules.data?.current.config.commission.skuOverrides ?? {};
  return (
    <Modal open={product !== null} title={t('specs.title', { title: product?.title ?? '' })} onCancel={onClose} width={920} onOk={save} okButtonProps={{ disabled: incomplete || combos.length > MAX_SKUS, loading: running, ...({ 'data-testid': 'specs-save' } as Record<`data-${string}`, string>) }} destroyOnHidden>
      <div data-testid="specs-editor">
        <Typography.Paragraph type="secondary">{t('specs.hint')}</Typography.Paragraph>
        {attributes.map((a, i) => (
          <Space key={i} align="start" wrap style={{ display: 'flex', marginBottom: 8 }}>
            <Input value={a.name} maxLength={20} placeholder={t('specs.attributeName')} style={{ width: 140 }} onChange={(e) => setAttribute(i, { name: e.target.value })} data-testid={`spec-attr-name-${i}`} />
            <Select
              mode="tags"
              value={a.values}
              style={{ minWidth: 420 }}
              placeholder={t('specs.values')}
              tokenSeparators={[',', '，']}
              open={false}
              onChange={(values: string[]) => setAttribute(i, { values: [...new Set(values.map((v) => v.trim()).filter((v) => v && v.length <= 20))] })}
              data-testid={`spec-attr-values-${i}`}
            />
            <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => setAttributes((list) => list.filter((_a, j) => j !== i))} aria-label={t('common.remove')} />
          </Space>
        ))}
        <Button type="dashed" icon={<PlusOutlined />} disabled={attributes.length >= MAX_ATTRIBUTES} onClick={() => setAttributes((list) => [...list, { name: '', values: [] }])} data-testid="spec-attr-add">
          {t('specs.addAttribute')}
        </Button>
        {combos.length > MAX_SKUS && <Alert type="error" showIcon style={{ marginTop: 12 }} title={t('specs.tooMany', { n: combos.length })} />}
        <Space wrap style={{ margin: '16px 0 8px' }}>
          <Typography.Text strong>{t('specs.bulk')}</Typography.Text>
          <Input prefix="¥" inputMode="decimal" placeholder={t('products.price')} style={{ width: 120 }} value={bulk.price} onChange={(e) => setBulk((b) => ({ ...b, price: e.target.value }))} data-testid="spec-bulk-price" />
          <InputNumber min={0} max={10_000_000} precision={0} placeholder={t('products.stock')} style={{ width: 120 }} value={bulk.stock} onChange={(v) => setBulk((b) => ({ ...b, stock: v }))} data-testid="spec-bulk-stock" />
          <Button
            onClick={() => combos.forEach((v) => setRow(v, { ...(parseYuanToFen(bulk.price) !== null ? { price: bulk.price } : {}), ...(bulk.stock !== null ? { stock: bulk.stock } : {}) }))}
            data-testid="spec-bulk-apply"
          >
            {t('specs.applyAll')}
          </Button>
        </Space>
        <Table<string[]>
          size="small"
          rowKey={keyOf}
          pagination={false}
          dataSource={combos}
          scroll={{ y: 360 }}
          data-testid="spec-matrix"
          columns={[
            { title: t('products.skuName'), key: 'name', render: (_v, values) => <span data-testid="spec-row-name">{values.join(' / ') || t('specs.single')}</span> },
            { title: 'SKU ID', key: 'id', width: 80, render: (_v, values) => skuIdOf.get(keyOf(values)) ?? <Typography.Text type="secondary">{t('specs.new')}</Typography.Text> },
            {
              title: t('products.price'),
              key: 'price',
              width: 130,
              render: (_v, values) => <Input prefix="¥" inputMode="decimal" status={row(values).price && parseYuanToFen(row(values).price) === null ? 'error' : undefined} value={row(values).price} onChange={(e) => setRow(values, { price: e.target.value })} data-testid="spec-row-price" />,
            },
            {
              title: t('specs.listPrice'),
              key: 'listPrice',
              width: 120,
              render: (_v, values) => <Input prefix="¥" inputMode="decimal" placeholder="—" status={badListPrice(values) ? 'error' : undefined} value={row(values).listPrice} onChange={(e) => setRow(values, { listPrice: e.target.value })} data-testid="spec-row-list-price" />,
            },
            { title: t('products.stock'), key: 'stock', width: 120, render: (_v, values) => <InputNumber min={0} max={10_000_000} precision={0} value={row(values).stock} onChange={(v) => setRow(values, { stock: v })} data-testid="spec-row-stock" /> },
            {
              title: t('specs.picture'),
              key: 'picture',
              width: 130,
              render: (_v, values) => (
                <Select
                  allowClear
                  style={{ width: 110 }}
                  placeholder={t('specs.productPicture')}
                  value={row(values).imageMediaId ?? undefined}
                  onChange={(id?: number) => setRow(values, { imageMediaId: id ?? null })}
                  options={pictures.map((p, i) => ({ value: p.id, label: <span><img src={p.thumb.url} alt="" width={24} height={24} style={{ objectFit: 'cover', verticalAlign: 'middle', marginRight: 4 }} />#{i + 1}</span> }))}
                  data-testid="spec-row-picture"
                />
              ),
            },
            { title: t('specs.commission'), key: 'commission', width: 130, render: (_v, values) => { const id = skuIdOf.get(keyOf(values)); return <Typography.Text type="secondary">{id ? overrideText(overrides[String(id)]) : '—'}</Typography.Text>; } },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('specs.commissionHint')}</Typography.Paragraph>
      </div>
    </Modal>
  );
}
