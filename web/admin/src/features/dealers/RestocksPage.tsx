// 进货单: every dealer's restocks; finance confirms the dealer's bank transfer (stock credited, upper
// dealer settled, once), operators cancel one still awaiting payment. The status is in the URL (?status=).
import { Alert, Button, Card, Form, Input, Popconfirm, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import { RestockTable } from './shared';
import type { Restock, RestockStatus } from './types';
import { useUrlChoice } from '../../url-state';

const STATUSES = ['awaiting_payment', 'paid', 'cancelled'] as const;
const FILTERS: ReadonlyArray<RestockStatus | 'all'> = [...STATUSES, 'all'];

export default function RestocksPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const canConfirm = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const canCancel = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const [status, setStatus] = useUrlChoice('status', FILTERS, 'awaiting_payment');
  const list = useApi<Items<Restock>>('/api/admin/dealer-restocks', { status: status === 'all' ? undefined : status, limit: 100 });
  const [confirming, setConfirming] = useState<Restock | null>(null);
  const { run } = useRun();

  const confirm = async (v: { paymentRef: string }) => {
    if (!confirming) return false;
    const r = await run(() => api.post(`/api/admin/dealer-restocks/${confirming.id}/confirm-payment`, { paymentRef: v.paymentRef.trim() }), { success: t('dealers.restock.confirmed') });
    if (r === undefined) return false;
    list.reload();
    return true;
  };
  const cancel = async (r: Restock) => {
    const done = await run(() => api.post(`/api/admin/dealer-restocks/${r.id}/cancel`), { success: t('dealers.restock.cancelled') });
    if (done !== undefined) list.reload();
  };

  return (
    <Card>
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[...STATUSES.map((s) => ({ value: s, label: t(`dealers.restock.status.${s}`) })), { value: 'all', label: coreT('common.all') }]}
        data-testid="restocks-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <RestockTable
        items={list.data?.items ?? []}
        loading={list.loading}
        testId="restocks-table"
        actions={(r) =>
          r.status === 'awaiting_payment' && (
            <Space>
              {canConfirm && (
                <Button size="small" type="primary" onClick={() => setConfirming(r)} data-testid={`restock-confirm-${r.id}`}>
                  {t('dealers.restock.confirm')}
                </Button>
              )}
              {canCancel && (
                <Popconfirm title={t('dealers.restock.cancelConfirm')} onConfirm={() => cancel(r)}>
                  <Button size="small" danger data-testid={`restock-cancel-${r.id}`}>{t('dealers.restock.cancel')}</Button>
                </Popconfirm>
              )}
            </Space>
          )
        }
      />
      <FormModal<{ paymentRef: string }>
        open={confirming !== null}
        title={confirming ? t('dealers.restock.confirmTitle', { no: confirming.restockNo, amount: formatFen(confirming.amountFen) }) : ''}
        onClose={() => setConfirming(null)}
        onSubmit={confirm}
        testId="restock-confirm-form"
      >
        <Typography.Paragraph type="secondary">{t('dealers.restock.confirmHint')}</Typography.Paragraph>
        <Form.Item name="paymentRef" label={t('dealers.restock.paymentRef')} rules={[{ required: true, whitespace: true, min: 4, max: 64 }]}>
          <Input data-testid="restock-payment-ref" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
