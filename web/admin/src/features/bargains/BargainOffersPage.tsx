// 砍价: bargain offers with their stock and bargains; operators create and edit them, every HQ role
// reads; each offer's bargains (progress, status, the order) open in a drawer.
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Progress, Radio, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { AdminProduct, BargainOffer, BargainStatus, OfferBargain } from './types';

interface OfferForm {
  skuId: number;
  startYuan?: string;
  floorYuan: string;
  helpersNeeded: number;
  timeLimitHours: number;
  helperRule: 'anyone' | 'new_members';
  window: [Dayjs, Dayjs];
  stockCap: number;
  status?: 'active' | 'stopped';
}

const STATUS_COLOR: Record<BargainStatus, string> = { open: 'processing', complete: 'green', bought: 'gold', expired: 'default' };

function OfferBargainsDrawer({ offer, onClose }: { offer: BargainOffer | null; onClose: () => void }) {
  const t = useFeatureT();
  const [status, setStatus] = useState<BargainStatus | undefined>();
  const list = useApi<Items<OfferBargain>>(offer ? `/api/admin/bargain-offers/${offer.id}/bargains` : null, { limit: 100, ...(status ? { status } : {}) });
  return (
    <Drawer open={offer !== null} onClose={onClose} size="large" title={offer ? t('bargains.drawer.title', { title: `${offer.title} ${offer.skuName}` }) : ''} data-testid="bargain-offer-drawer">
      <Select
        allowClear
        placeholder={t('bargains.drawer.all')}
        value={status}
        onChange={setStatus}
        style={{ width: 160, marginBottom: 12 }}
        options={(['open', 'complete', 'bought', 'expired'] as const).map((s) => ({ value: s, label: t(`bargains.status.${s}`) }))}
        data-testid="bargain-status-filter"
      />
      <Table<OfferBargain>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        onRow={(r) => ({ 'data-testid': `offer-bargain-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('bargains.col.starter'), key: 'starter', width: 150, render: (_v, b) => `${b.nickname} ${b.phone}` },
          {
            title: t('bargains.col.progress'),
            key: 'progress',
            width: 200,
            render: (_v, b) => (
              <div data-testid={`offer-bargain-progress-${b.id}`} data-cut-fen={b.cutFen}>
                <Progress percent={Math.floor((b.cutFen * 100) / Math.max(1, b.startPriceFen - b.floorPriceFen))} size="small" showInfo={false} />
                {t('bargains.progressText', { count: b.helpedCount, total: b.helpersNeeded, cut: formatFen(b.cutFen) })}
              </div>
            ),
          },
          { title: t('bargains.col.current'), dataIndex: 'currentPriceFen', width: 100, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('bargains.col.status'), dataIndex: 'status', width: 100, render: (s: BargainStatus, b) => <Tag color={STATUS_COLOR[s]} data-testid={`offer-bargain-status-${b.id}`}>{t(`bargains.status.${s}`)}</Tag> },
          { title: t('bargains.col.order'), key: 'order', width: 130, render: (_v, b) => (b.orderId ? t('bargains.orderPaid', { id: b.orderId, amount: formatFen(b.orderPriceFen) }) : '—') },
          { title: t('bargains.col.startedAt'), dataIndex: 'startedAt', width: 150, render: (v: string) => formatDateTime(v) },
          { title: t('bargains.col.expiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string) => formatDateTime(v) },
        ]}
      />
    </Drawer>
  );
}

function offerStatusTag(o: BargainOffer, t: (key: string) => string) {
  if (o.running) return <Tag color="green">{t('bargains.offer.running')}</Tag>;
  return <Tag>{t(o.status === 'stopped' ? 'bargains.offer.stopped' : 'bargains.offer.active')}</Tag>;
}

export default function BargainOffersPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const list = useApi<Items<BargainOffer & { startedCount: number; boughtCount: number }>>('/api/admin/bargain-offers', { limit: 100 });
  const products = useApi<Items<AdminProduct>>(writable ? '/api/admin/products' : null, { limit: 100 });
  const [editing, setEditing] = useState<BargainOffer | 'new' | null>(null);
  const [viewing, setViewing] = useState<BargainOffer | null>(null);
  const { run } = useRun();
  const skuOptions = useMemo(
    () => (products.data?.items ?? []).flatMap((p) => p.skus.map((s) => ({ value: s.id, label: `${p.title} · ${s.name} · ${formatFen(s.priceFen)}` }))),
    [products.data],
  );

  const save = async (v: OfferForm) => {
    const body = {
      startPriceFen: v.startYuan && v.startYuan.trim() ? parseYuanToFen(v.startYuan) ?? undefined : undefined,
      floorPriceFen: parseYuanToFen(v.floorYuan),
      helpersNeeded: v.helpersNeeded,
      timeLimitHours: v.timeLimitHours,
      helperRule: v.helperRule,
      startsAt: v.window[0].toISOString(),
      endsAt: v.window[1].toISOString(),
      stockCap: v.stockCap,
    };
    const r =
      editing === 'new'
        ? await run(() => api.post('/api/admin/bargain-offers', { ...body, skuId: v.skuId }), { success: t('bargains.created') })
        : await run(() => api.put(`/api/admin/bargain-offers/${(editing as BargainOffer).id}`, { ...body, status: v.status ?? 'active' }), { success: t('bargains.saved') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const yuanRule = { validator: (_: unknown, v?: string) => (!v || parseYuanToFen(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('bargains.form.invalidAmount')))) };
  const initial: Partial<OfferForm> =
    editing && editing !== 'new'
      ? {
          skuId: editing.skuId,
          startYuan: fenToYuanText(editing.startPriceFen),
          floorYuan: fenToYuanText(editing.floorPriceFen),
          helpersNeeded: editing.helpersNeeded,
          timeLimitHours: editing.timeLimitHours,
          helperRule: editing.helperRule,
          window: [dayjs(editing.startsAt), dayjs(editing.endsAt)],
          stockCap: editing.stockCap,
          status: editing.status,
        }
      : { helpersNeeded: 5, timeLimitHours: 24, helperRule: 'anyone', stockCap: 100, window: [dayjs().startOf('minute'), dayjs().add(7, 'day').endOf('day')] };

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="bargain-offer-create">
            {t('bargains.create')}
          </Button>
        )
      }
    >
      <Alert type="info" showIcon title={t('bargains.hint')} style={{ marginBottom: 16 }} />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<BargainOffer & { startedCount: number; boughtCount: number }>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1150 }}
        pagination={false}
        data-testid="bargain-offers-table"
        onRow={(r) => ({ 'data-testid': `bargain-offer-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('bargains.col.product'), key: 'product', width: 200, fixed: mobile ? undefined : 'left', render: (_v, o) => `${o.title} · ${o.skuName}` },
          { title: t('bargains.col.prices'), key: 'prices', width: 140, render: (_v, o) => `${formatFen(o.startPriceFen)} → ${formatFen(o.floorPriceFen)}` },
          { title: t('bargains.col.helpers'), dataIndex: 'helpersNeeded', width: 90, align: 'right' },
          { title: t('bargains.col.timeLimit'), dataIndex: 'timeLimitHours', width: 90, render: (n: number) => t('bargains.hours', { n }) },
          { title: t('bargains.col.helperRule'), dataIndex: 'helperRule', width: 100, render: (r: string) => t(`bargains.rule.${r}`) },
          {
            title: t('bargains.col.window'),
            key: 'window',
            width: 150,
            render: (_v, o) => (
              <span className="small">
                {formatDateTime(o.startsAt).slice(0, 16)}
                <br />~ {formatDateTime(o.endsAt).slice(0, 16)}
              </span>
            ),
          },
          { title: t('bargains.col.stock'), key: 'stock', width: 100, align: 'right', render: (_v, o) => <span data-testid={`bargain-offer-taken-${o.id}`}>{`${o.takenCount} / ${o.stockCap}`}</span> },
          { title: t('bargains.col.started'), key: 'started', width: 110, align: 'right', render: (_v, o) => <span data-testid={`bargain-offer-started-${o.id}`}>{`${o.startedCount} / ${o.boughtCount}`}</span> },
          { title: t('bargains.col.status'), key: 'status', width: 100, render: (_v, o) => offerStatusTag(o, t) },
          {
            title: '',
            key: 'a',
            width: 160,
            fixed: mobile ? undefined : 'right',
            render: (_v, o) => (
              <Space>
                <Button size="small" onClick={() => setViewing(o)} data-testid={`bargain-offer-view-${o.id}`}>
                  {t('bargains.view')}
                </Button>
                {writable && (
                  <Button size="small" onClick={() => setEditing(o)} data-testid={`bargain-offer-edit-${o.id}`}>
                    {t('bargains.edit')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <FormModal<OfferForm> open={editing !== null} title={editing === 'new' ? t('bargains.create') : t('bargains.edit')} onClose={() => setEditing(null)} onSubmit={save} initialValues={initial} testId="bargain-offer-form" width={560}>
        <>
          {editing !== 'new' && <Alert type="warning" showIcon title={t('bargains.form.editHint')} style={{ marginBottom: 12 }} />}
          <Form.Item name="skuId" label={t('bargains.form.sku')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={skuOptions} disabled={editing !== 'new'} data-testid="bargain-offer-sku" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="startYuan" label={t('bargains.form.startYuan')} rules={[yuanRule]}>
              <Input data-testid="bargain-offer-start" />
            </Form.Item>
            <Form.Item name="floorYuan" label={t('bargains.form.floorYuan')} rules={[{ required: true }, yuanRule]}>
              <Input data-testid="bargain-offer-floor" />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="helpersNeeded" label={t('bargains.form.helpersNeeded')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100} precision={0} data-testid="bargain-offer-helpers" />
            </Form.Item>
            <Form.Item name="timeLimitHours" label={t('bargains.form.timeLimitHours')} rules={[{ required: true }]}>
              <InputNumber min={1} max={240} precision={0} data-testid="bargain-offer-hours" />
            </Form.Item>
            <Form.Item name="stockCap" label={t('bargains.form.stockCap')} rules={[{ required: true }]}>
              <InputNumber min={1} max={1_000_000} precision={0} data-testid="bargain-offer-stock" />
            </Form.Item>
          </Space>
          <Form.Item name="helperRule" label={t('bargains.form.helperRule')} extra={t('bargains.form.helperRuleHint')}>
            <Radio.Group options={(['anyone', 'new_members'] as const).map((r) => ({ value: r, label: t(`bargains.rule.${r}`) }))} data-testid="bargain-offer-rule" />
          </Form.Item>
          <Form.Item name="window" label={t('bargains.form.window')} rules={[{ required: true }]}>
            <DatePicker.RangePicker showTime style={{ width: '100%' }} data-testid="bargain-offer-window" />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="status" label={t('bargains.form.status')}>
              <Radio.Group
                options={[
                  { value: 'active', label: t('bargains.form.active') },
                  { value: 'stopped', label: t('bargains.form.stopped') },
                ]}
                data-testid="bargain-offer-status"
              />
            </Form.Item>
          )}
        </>
      </FormModal>
      <OfferBargainsDrawer offer={viewing} onClose={() => setViewing(null)} />
    </Card>
  );
}
