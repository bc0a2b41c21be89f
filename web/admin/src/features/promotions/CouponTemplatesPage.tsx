// 优惠券: coupon templates with issued / used counts; create one, stop or resume it.
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatDate } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen, parsePercentToBp, parseYuanToFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { CouponKind, CouponTemplate } from './types';

interface CouponForm {
  name: string;
  kind: CouponKind;
  offYuan?: string;
  ratePercent?: string;
  maxOffYuan?: string;
  minSpendYuan?: string;
  validMode: 'window' | 'relative';
  validRange?: [Dayjs, Dayjs];
  validDays?: number;
  totalQuantity: number;
  perMemberLimit: number;
  productIds?: string[];
  guideRatePercent?: string;
}

/** "8.5" 折 for 1500 bp off. */
export function zheText(priceBp: number): string {
  return String(priceBp / 1000).replace(/\.?0+$/, '') || '0';
}

export default function CouponTemplatesPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useApi<Items<CouponTemplate>>('/api/admin/coupon-templates', { limit: pageSize, offset: (page - 1) * pageSize });
  const [creating, setCreating] = useState(false);
  const { run } = useRun();
  const items = list.data?.items ?? [];
  const total = (page - 1) * pageSize + items.length + (items.length === pageSize ? 1 : 0);

  const terms = (c: CouponTemplate) => {
    const parts: string[] = [];
    if (c.kind === 'percent') {
      parts.push(t('promotions.coupons.percentOff', { zhe: zheText(10_000 - (c.rateBp ?? 0)), pct: formatBp(c.rateBp).replace('%', '') }));
      if (c.maxOffFen) parts.push(t('promotions.coupons.maxOff', { amount: formatFen(c.maxOffFen) }));
    } else parts.push(t('promotions.coupons.off', { amount: formatFen(c.offFen) }));
    if (c.minSpendFen > 0) parts.push(t('promotions.coupons.minSpend', { amount: formatFen(c.minSpendFen) }));
    return parts.join('，');
  };

  const setStatus = async (c: CouponTemplate, status: 'active' | 'stopped') => {
    const r = await run(() => api.post(`/api/admin/coupon-templates/${c.id}/status`, { status }), { success: t(status === 'stopped' ? 'promotions.coupons.stopped' : 'promotions.coupons.resumed') });
    if (r !== undefined) list.reload();
  };

  const create = async (v: CouponForm) => {
    const fen = (text: string | undefined) => (text && text.trim() ? parseYuanToFen(text) : null);
    const productIds = (v.productIds ?? []).map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    const body = {
      name: v.name.trim(),
      kind: v.kind,
      offFen: v.kind === 'percent' ? null : fen(v.offYuan),
      rateBp: v.kind === 'percent' ? parsePercentToBp(v.ratePercent ?? '') : null,
      maxOffFen: v.kind === 'percent' ? fen(v.maxOffYuan) : null,
      minSpendFen: fen(v.minSpendYuan) ?? 0,
      validFrom: v.validMode === 'window' ? v.validRange?.[0].startOf('day').toISOString() : null,
      validUntil: v.validMode === 'window' ? v.validRange?.[1].endOf('day').toISOString() : null,
      validDays: v.validMode === 'relative' ? v.validDays : null,
      totalQuantity: v.totalQuantity,
      perMemberLimit: v.perMemberLimit,
      productIds: productIds.length ? productIds : null,
      guideRateBp: v.guideRatePercent ? (parsePercentToBp(v.guideRatePercent) ?? 0) : 0,
    };
    const r = await run(() => api.post('/api/admin/coupon-templates', body), { success: t('promotions.coupons.created') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const yuanRule = { validator: (_: unknown, v?: string) => (!v || parseYuanToFen(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('promotions.coupons.invalidAmount')))) };
  const percentRule = { validator: (_: unknown, v?: string) => (!v || parsePercentToBp(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('promotions.coupons.invalidPercent')))) };

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="coupon-create">
            {t('promotions.coupons.create')}
          </Button>
        )
      }
    >
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<CouponTemplate>
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        scroll={{ x: 1400 }}
        data-testid="coupon-templates-table"
        onRow={(r) => ({ 'data-testid': `coupon-template-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize, total, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('promotions.coupons.name'), dataIndex: 'name', width: 160, fixed: mobile ? undefined : 'left' },
          { title: t('promotions.coupons.kind'), dataIndex: 'kind', width: 100, render: (k: CouponKind) => <Tag>{t(`promotions.coupons.kind.${k}`)}</Tag> },
          { title: t('promotions.coupons.terms'), key: 'terms', width: 220, render: (_v, c) => terms(c) },
          {
            title: t('promotions.coupons.validity'),
            key: 'validity',
            width: 200,
            render: (_v, c) => (c.validDays ? t('promotions.coupons.validDaysText', { days: c.validDays }) : `${formatDate(c.validFrom)} ~ ${formatDate(c.validUntil)}`),
          },
          { title: t('promotions.coupons.quantity'), key: 'qty', width: 110, align: 'right', render: (_v, c) => <span data-testid={`coupon-issued-${c.id}`}>{`${c.issuedCount} / ${c.totalQuantity}`}</span> },
          { title: t('promotions.coupons.used'), dataIndex: 'usedCount', width: 80, align: 'right', render: (v: number, c) => <span data-testid={`coupon-used-${c.id}`}>{v}</span> },
          { title: t('promotions.coupons.usedDiscount'), dataIndex: 'usedDiscountFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('promotions.coupons.perMember'), dataIndex: 'perMemberLimit', width: 90, align: 'right' },
          {
            title: t('promotions.coupons.scope'),
            dataIndex: 'productIds',
            width: 120,
            render: (ids: number[] | null) => (ids?.length ? <Typography.Text title={ids.join(', ')}>{t('promotions.coupons.scopeSome', { count: ids.length })}</Typography.Text> : t('promotions.coupons.scopeAll')),
          },
          { title: t('promotions.coupons.guideRate'), dataIndex: 'guideRateBp', width: 100, align: 'right', render: (v: number) => (v ? formatBp(v) : '—') },
          {
            title: t('promotions.coupons.status'),
            dataIndex: 'status',
            width: 90,
            render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`promotions.coupons.status.${s}`)}</Tag>,
          },
          {
            title: '',
            key: 'a',
            width: 90,
            fixed: mobile ? undefined : 'right',
            render: (_v, c) =>
              writable &&
              (c.status === 'active' ? (
                <Popconfirm title={t('promotions.coupons.stopConfirm')} onConfirm={() => setStatus(c, 'stopped')} okButtonProps={{ 'data-testid': `coupon-stop-confirm-${c.id}` }}>
                  <Button size="small" danger data-testid={`coupon-stop-${c.id}`}>
                    {t('promotions.coupons.stop')}
                  </Button>
                </Popconfirm>
              ) : (
                <Button size="small" onClick={() => setStatus(c, 'active')} data-testid={`coupon-resume-${c.id}`}>
                  {t('promotions.coupons.resume')}
                </Button>
              )),
          },
        ]}
      />
      <FormModal<CouponForm>
        open={creating}
        title={t('promotions.coupons.create')}
        onClose={() => setCreating(false)}
        onSubmit={create}
        initialValues={{ kind: 'fixed', validMode: 'relative', validDays: 30, totalQuantity: 1000, perMemberLimit: 1 }}
        testId="coupon-form"
        width={560}
      >
        {(form) => (
          <>
            <Form.Item name="name" label={t('promotions.coupons.name')} rules={[{ required: true, max: 60 }]}>
              <Input data-testid="coupon-name" />
            </Form.Item>
            <Form.Item name="kind" label={t('promotions.coupons.kind')} rules={[{ required: true }]}>
              <Radio.Group
                data-testid="coupon-kind"
                options={(['fixed', 'percent', 'threshold'] as const).map((k) => ({ value: k, label: t(`promotions.coupons.kind.${k}`) }))}
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.kind !== b.kind || a.validMode !== b.validMode}>
              {() => {
                const kind = form.getFieldValue('kind') as CouponKind;
                const validMode = form.getFieldValue('validMode') as CouponForm['validMode'];
                return (
                  <>
                    {kind === 'percent' ? (
                      <Space wrap>
                        <Form.Item name="ratePercent" label={t('promotions.coupons.ratePercent')} rules={[{ required: true }, percentRule]}>
                          <Input data-testid="coupon-rate" />
                        </Form.Item>
                        <Form.Item name="maxOffYuan" label={t('promotions.coupons.maxOffYuan')} rules={[yuanRule]}>
                          <Input data-testid="coupon-max-off" />
                        </Form.Item>
                      </Space>
                    ) : (
                      <Form.Item name="offYuan" label={t('promotions.coupons.offYuan')} rules={[{ required: true }, yuanRule]}>
                        <Input data-testid="coupon-off" />
                      </Form.Item>
                    )}
                    <Form.Item name="minSpendYuan" label={t('promotions.coupons.minSpendYuan')} rules={[{ required: kind === 'threshold' }, yuanRule]}>
                      <Input data-testid="coupon-min-spend" />
                    </Form.Item>
                    <Form.Item name="validMode" label={t('promotions.coupons.validMode')}>
                      <Radio.Group
                        options={[
                          { value: 'relative', label: t('promotions.coupons.validRelative') },
                          { value: 'window', label: t('promotions.coupons.validWindow') },
                        ]}
                      />
                    </Form.Item>
                    {validMode === 'window' ? (
                      <Form.Item name="validRange" label={t('promotions.coupons.validRange')} rules={[{ required: true }]}>
                        <DatePicker.RangePicker data-testid="coupon-valid-range" />
                      </Form.Item>
                    ) : (
                      <Form.Item name="validDays" label={t('promotions.coupons.validDays')} rules={[{ required: true }]}>
                        <InputNumber min={1} max={3650} precision={0} data-testid="coupon-valid-days" />
                      </Form.Item>
                    )}
                  </>
                );
              }}
            </Form.Item>
            <Space wrap>
              <Form.Item name="totalQuantity" label={t('promotions.coupons.totalQuantity')} rules={[{ required: true }]}>
                <InputNumber min={1} max={10_000_000} precision={0} data-testid="coupon-total" />
              </Form.Item>
              <Form.Item name="perMemberLimit" label={t('promotions.coupons.perMember')} rules={[{ required: true }]}>
                <InputNumber min={1} max={100} precision={0} data-testid="coupon-per-member" />
              </Form.Item>
              <Form.Item name="guideRatePercent" label={t('promotions.coupons.guideRatePercent')} rules={[percentRule]}>
                <Input data-testid="coupon-guide-rate" />
              </Form.Item>
            </Space>
            <Form.Item name="productIds" label={t('promotions.coupons.productIds')}>
              <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} data-testid="coupon-products" />
            </Form.Item>
          </>
        )}
      </FormModal>
    </Card>
  );
}
