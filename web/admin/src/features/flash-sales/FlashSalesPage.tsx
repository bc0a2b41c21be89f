// 限时秒杀: campaigns with their state and sales; operators create, edit and end them (the unsold stock
// goes back to the SKUs), every HQ role reads; a campaign's live sales per item (claimed, paid, held by
// unpaid orders, left) open in a drawer that refreshes every 3 seconds.
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { bpToPercentText, fenToYuanText, parsePercentToBp, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { LiveSalesDrawer } from './LiveSalesDrawer';
import type { AdminProduct, CommissionMode, FlashSale } from './types';

interface ItemForm {
  skuId?: number;
  priceYuan?: string;
  stock?: number;
  perMemberLimit?: number | null;
  commissionMode: CommissionMode;
  ratesPercent?: [string?, string?, string?];
}

interface SaleForm {
  name: string;
  window: [Dayjs, Dayjs];
  unpaidMinutes: number;
  items: ItemForm[];
}

const STATE_COLOR = { upcoming: 'blue', running: 'green', ended: 'default' } as const;

function formOf(sale: FlashSale): Partial<SaleForm> {
  return {
    name: sale.name,
    window: [dayjs(sale.startsAt), dayjs(sale.endsAt)],
    unpaidMinutes: sale.unpaidMinutes,
    items: sale.items.map((i) => ({
      skuId: i.skuId,
      priceYuan: fenToYuanText(i.priceFen),
      stock: i.stock,
      perMemberLimit: i.perMemberLimit,
      commissionMode: i.commissionMode,
      ratesPercent: (i.commissionRatesBp ?? []).map((bp) => bpToPercentText(bp)) as ItemForm['ratesPercent'],
    })),
  };
}

function bodyOf(v: SaleForm) {
  return {
    name: v.name.trim(),
    startsAt: v.window[0].toISOString(),
    endsAt: v.window[1].toISOString(),
    unpaidMinutes: v.unpaidMinutes,
    items: v.items.map((i) => ({
      skuId: i.skuId!,
      priceFen: parseYuanToFen(i.priceYuan ?? '')!,
      stock: i.stock ?? 0,
      perMemberLimit: i.perMemberLimit ?? null,
      commissionMode: i.commissionMode,
      commissionRatesBp: i.commissionMode === 'rate' ? (i.ratesPercent ?? []).map((p) => (p && p.trim() ? (parsePercentToBp(p) ?? 0) : 0)) : null,
    })),
  };
}

export default function FlashSalesPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const list = useApi<Items<FlashSale>>('/api/admin/flash-sales', { limit: 50 });
  const products = useApi<Items<AdminProduct>>(writable ? '/api/admin/products' : null, { limit: 100 });
  const [editing, setEditing] = useState<FlashSale | 'new' | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const { run } = useRun();
  const { reload } = list;
  // the list's figures move while a sale runs
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);

  const save = async (v: SaleForm) => {
    const body = bodyOf(v);
    const r = await run(() => (editing === 'new' ? api.post('/api/admin/flash-sales', body) : api.put(`/api/admin/flash-sales/${(editing as FlashSale).id}`, body)), { success: t(editing === 'new' ? 'flashSales.created' : 'flashSales.saved') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };
  const end = async (sale: FlashSale) => {
    const r = await run(() => api.post(`/api/admin/flash-sales/${sale.id}/end`, {}), { success: t('flashSales.ended') });
    if (r !== undefined) list.reload();
  };
  const skuOptions = (products.data?.items ?? []).flatMap((p) =>
    p.skus.map((s) => ({ value: s.id, label: t('flashSales.skuOption', { title: p.title, sku: s.name, price: fenToYuanText(s.priceFen), stock: s.stock }) })),
  );
  const items = list.data?.items ?? [];

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="flash-sale-create">
            {t('flashSales.create')}
          </Button>
        )
      }
    >
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<FlashSale>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={items}
        scroll={{ x: 1000 }}
        pagination={false}
        data-testid="flash-sales-table"
        onRow={(r) => ({ 'data-testid': `flash-sale-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('flashSales.name'), dataIndex: 'name', width: 160, fixed: mobile ? undefined : 'left' },
          { title: t('flashSales.state'), dataIndex: 'state', width: 90, render: (s: FlashSale['state']) => <Tag color={STATE_COLOR[s]} data-testid="flash-sale-state">{t(`flashSales.state.${s}`)}</Tag> },
          { title: t('flashSales.window'), key: 'window', width: 300, render: (_v, s) => `${formatDateTime(s.startsAt)} ~ ${formatDateTime(s.endsAt)}` },
          { title: t('flashSales.items'), key: 'items', width: 200, render: (_v, s) => s.items.map((i) => `${i.productTitle} ${i.skuName}`).join('，') },
          {
            title: t('flashSales.soldOfStock'),
            key: 'sold',
            width: 130,
            align: 'right',
            render: (_v, s) => <span data-testid={`flash-sale-sold-${s.id}`}>{`${s.items.reduce((n, i) => n + i.sold, 0)} / ${s.items.reduce((n, i) => n + i.stock, 0)}`}</span>,
          },
          {
            title: '',
            key: 'a',
            width: 210,
            fixed: mobile ? undefined : 'right',
            render: (_v, s) => (
              <Space>
                <Button size="small" onClick={() => setViewing(s.id)} data-testid={`flash-sale-view-${s.id}`}>
                  {t('flashSales.view')}
                </Button>
                {writable && s.state !== 'ended' && (
                  <>
                    <Button size="small" onClick={() => setEditing(s)} data-testid={`flash-sale-edit-${s.id}`}>
                      {coreT('common.edit')}
                    </Button>
                    <Popconfirm title={t('flashSales.endConfirm')} onConfirm={() => end(s)} okButtonProps={{ 'data-testid': `flash-sale-end-confirm-${s.id}` }}>
                      <Button size="small" danger data-testid={`flash-sale-end-${s.id}`}>
                        {t('flashSales.end')}
                      </Button>
                    </Popconfirm>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <FormModal<SaleForm>
        open={editing !== null}
        title={t(editing === 'new' ? 'flashSales.create' : 'flashSales.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        initialValues={editing && editing !== 'new' ? formOf(editing) : { unpaidMinutes: 5, window: [dayjs().startOf('minute'), dayjs().add(2, 'hour').startOf('minute')], items: [{ commissionMode: 'normal' }] }}
        testId="flash-sale-form"
        width={760}
      >
        {() => <SaleFields skuOptions={skuOptions} />}
      </FormModal>
      <LiveSalesDrawer saleId={viewing} onClose={() => setViewing(null)} />
    </Card>
  );
}

function SaleFields({ skuOptions }: { skuOptions: Array<{ value: number; label: string }> }) {
  const t = useFeatureT();
  const yuanRule = { validator: (_: unknown, v?: string) => (v && parseYuanToFen(v) !== null && parseYuanToFen(v)! > 0 ? Promise.resolve() : Promise.reject(new Error(t('flashSales.invalidAmount')))) };
  const percentRule = { validator: (_: unknown, v?: string) => (!v || parsePercentToBp(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('flashSales.invalidPercent')))) };
  return (
    <>
      <Form.Item name="name" label={t('flashSales.name')} rules={[{ required: true, max: 60 }]}>
        <Input data-testid="flash-sale-name" />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item name="window" label={t('flashSales.window')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="flash-sale-window" />
        </Form.Item>
        <Form.Item name="unpaidMinutes" label={t('flashSales.unpaidMinutes')} tooltip={t('flashSales.unpaidMinutesHint')} rules={[{ required: true }]}>
          <InputNumber min={1} max={60} data-testid="flash-sale-unpaid-minutes" />
        </Form.Item>
      </Space>
      <Form.List name="items" rules={[{ validator: async (_r, v?: unknown[]) => (v && v.length ? undefined : Promise.reject(new Error(t('flashSales.needItems')))) }]}>
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field, index) => (
              <Card key={field.key} size="small" style={{ marginBottom: 8 }} data-testid={`flash-sale-item-${index}`} extra={fields.length > 1 && <Button size="small" type="link" danger onClick={() => remove(field.name)}>×</Button>}>
                <Form.Item name={[field.name, 'skuId']} label={t('flashSales.sku')} rules={[{ required: true }]}>
                  <Select showSearch optionFilterProp="label" options={skuOptions} placeholder={t('flashSales.pickSku')} data-testid={`flash-sale-sku-${index}`} />
                </Form.Item>
                <Space wrap align="start">
                  <Form.Item name={[field.name, 'priceYuan']} label={t('flashSales.priceYuan')} rules={[yuanRule]}>
                    <Input style={{ width: 120 }} data-testid={`flash-sale-price-${index}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'stock']} label={t('flashSales.stock')} tooltip={t('flashSales.stockHint')} rules={[{ required: true }]}>
                    <InputNumber min={0} max={1_000_000} data-testid={`flash-sale-stock-${index}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'perMemberLimit']} label={t('flashSales.limit')}>
                    <InputNumber min={1} max={999} placeholder={t('flashSales.limitNone')} data-testid={`flash-sale-limit-${index}`} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'commissionMode']} label={t('flashSales.commission')} rules={[{ required: true }]}>
                    <Select style={{ width: 130 }} options={(['normal', 'none', 'rate'] as const).map((m) => ({ value: m, label: t(`flashSales.commission.${m}`) }))} data-testid={`flash-sale-commission-${index}`} />
                  </Form.Item>
                </Space>
                <Form.Item noStyle shouldUpdate>
                  {(form) =>
                    form.getFieldValue(['items', field.name, 'commissionMode']) === 'rate' && (
                      <Form.Item label={t('flashSales.ratesPercent')} style={{ marginBottom: 0 }}>
                        <Space>
                          {[0, 1, 2].map((level) => (
                            <Form.Item key={level} name={[field.name, 'ratesPercent', level]} rules={[percentRule]} noStyle>
                              <Input style={{ width: 80 }} data-testid={`flash-sale-rate-${index}-${level + 1}`} />
                            </Form.Item>
                          ))}
                        </Space>
                      </Form.Item>
                    )
                  }
                </Form.Item>
              </Card>
            ))}
            <Button type="dashed" block onClick={() => add({ commissionMode: 'normal' })} data-testid="flash-sale-add-item">
              {t('flashSales.addItem')}
            </Button>
            <Form.ErrorList errors={errors} />
          </>
        )}
      </Form.List>
    </>
  );
}
