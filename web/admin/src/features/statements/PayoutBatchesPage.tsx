// 批量代发: approved bank-card withdrawals gathered into a batch file for online banking; the bank's
// return is entered line by line (paid with its reference, or failed with a reason: the money goes back).
// Finance and the owner only, as the API is (src/http/routes/payout-batches.ts).
import { Alert, App, Button, Card, Drawer, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, download } from '../../api';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen, newIdempotencyKey } from '../../../../shared/money';
import type { PayoutBatch, PayoutBatchLine, PayoutBatchSummary } from './types';

type Marking = { line: PayoutBatchLine; result: 'paid' | 'failed' };

export default function PayoutBatchesPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const { message } = App.useApp();
  const list = useApi<{ items: PayoutBatchSummary[] }>('/api/admin/payout-batches', { limit: 100 });
  const [openId, setOpenId] = useState<number | null>(null);
  const batch = useApi<PayoutBatch>(openId === null ? null : `/api/admin/payout-batches/${openId}`);
  const [marking, setMarking] = useState<Marking | null>(null);
  const { run, running } = useRun();

  const create = async () => {
    const b = await run(() => api.post<PayoutBatch>('/api/admin/payout-batches', { idempotencyKey: newIdempotencyKey('batch') }));
    if (!b) return;
    message.success(t('batches.created', { no: b.batchNo, n: b.lineCount }));
    list.reload();
    setOpenId(b.id);
  };

  const fetchFile = (b: PayoutBatchSummary, format: 'xlsx' | 'csv') => run(() => download(`/api/admin/payout-batches/${b.id}/file`, { format }, `${b.batchNo}.${format}`));

  const mark = async (v: { bankReference?: string; reason?: string }) => {
    if (!marking || openId === null) return false;
    const line = { payoutNo: marking.line.payoutNo, result: marking.result, ...(marking.result === 'paid' ? { bankReference: v.bankReference?.trim() } : { reason: v.reason?.trim() || undefined }) };
    // one key per submission: a double click or a retry of the same request is applied once
    const r = await run(() => api.post(`/api/admin/payout-batches/${openId}/results`, { lines: [line], idempotencyKey: newIdempotencyKey('results') }), { success: t('batches.marked') });
    if (r === undefined) return false;
    batch.reload();
    list.reload();
    return true;
  };

  const fileButtons = (b: PayoutBatchSummary, where: string) => (
    <Space.Compact size="small">
      <Button size="small" onClick={() => void fetchFile(b, 'xlsx')} data-testid={`${where}-xlsx-${b.id}`}>{t('batches.downloadXlsx')}</Button>
      <Button size="small" onClick={() => void fetchFile(b, 'csv')} data-testid={`${where}-csv-${b.id}`}>{t('batches.downloadCsv')}</Button>
    </Space.Compact>
  );

  const resultTag = (r: PayoutBatchLine['result']) => <Tag color={r === 'paid' ? 'success' : r === 'failed' ? 'error' : 'gold'}>{t(`batches.result.${r ?? 'pending'}`)}</Tag>;

  return (
    <Card
      title={t('batches.nav')}
      extra={<Button type="primary" onClick={create} loading={running} data-testid="batch-create">{t('batches.create')}</Button>}
    >
      <Typography.Paragraph type="secondary">{t('batches.hint')}</Typography.Paragraph>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<PayoutBatchSummary>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('batches.empty') }}
        data-testid="batches-table"
        onRow={(b) => ({ 'data-testid': `batch-row-${b.id}`, 'data-batch-no': b.batchNo }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('batches.no'), dataIndex: 'batchNo', width: 220, fixed: mobile ? undefined : 'left' },
          { title: coreT('common.status'), dataIndex: 'status', width: 110, render: (s: string) => <Tag color={s === 'settled' ? 'success' : 'processing'}>{t(`batches.status.${s}`)}</Tag> },
          { title: t('batches.lines'), dataIndex: 'lineCount', width: 80, align: 'right' },
          { title: t('batches.total'), dataIndex: 'totalFen', width: 130, align: 'right', render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
          { title: t('batches.result'), key: 'progress', width: 220, render: (_v, b) => t('batches.progress', { paid: b.paidCount, failed: b.failedCount, pending: b.pendingCount }) },
          { title: t('batches.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: t('batches.settledAt'), dataIndex: 'settledAt', width: 170, render: formatDateTime },
          {
            title: coreT('common.actions'),
            key: 'a',
            width: 230,
            fixed: mobile ? undefined : 'right',
            render: (_v, b) => (
              <Space>
                {fileButtons(b, 'batch-download')}
                <Button size="small" onClick={() => setOpenId(b.id)} data-testid={`batch-open-${b.id}`}>{t('batches.open')}</Button>
              </Space>
            ),
          },
        ]}
      />
      <Drawer open={openId !== null} onClose={() => setOpenId(null)} size={mobile ? '100%' : 980} title={batch.data ? t('batches.detailTitle', { no: batch.data.batchNo }) : ''} extra={batch.data && <Space><Typography.Text type="secondary">{t('batches.download')}</Typography.Text>{fileButtons(batch.data, 'batch-drawer-download')}</Space>} data-testid="batch-drawer">
        {batch.error && <Alert type="error" showIcon title={describeError(batch.error, coreT)} style={{ marginBottom: 16 }} />}
        {batch.data && (
          <Table<PayoutBatchLine>
            rowKey="payoutNo"
            size="small"
            loading={batch.loading}
            dataSource={batch.data.lines}
            pagination={false}
            scroll={{ x: 1000 }}
            data-testid="batch-lines"
            onRow={(l) => ({ 'data-testid': `batch-line-${l.payoutNo}`, 'data-result': l.result ?? 'pending' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('batches.payoutNo'), dataIndex: 'payoutNo', width: 210 },
              { title: t('batches.name'), dataIndex: 'realName', width: 90 },
              { title: t('batches.bank'), dataIndex: 'bankName', width: 120 },
              { title: t('batches.account'), dataIndex: 'accountNo', width: 170 },
              { title: t('batches.net'), dataIndex: 'netFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
              { title: t('batches.result'), dataIndex: 'result', width: 90, render: resultTag },
              { title: `${t('batches.bankReference')} / ${t('batches.reason')}`, key: 'ref', width: 180, render: (_v, l) => l.bankReference ?? l.reason ?? '—' },
              {
                title: coreT('common.actions'),
                key: 'a',
                width: 190,
                render: (_v, l) => l.result === null && (
                  <Space>
                    <Button size="small" type="primary" onClick={() => setMarking({ line: l, result: 'paid' })} data-testid={`batch-mark-paid-${l.payoutNo}`}>{t('batches.markPaid')}</Button>
                    <Button size="small" danger onClick={() => setMarking({ line: l, result: 'failed' })} data-testid={`batch-mark-failed-${l.payoutNo}`}>{t('batches.markFailed')}</Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
        {/* inside the drawer, so antd stacks the modal above it */}
        <FormModal<{ bankReference?: string; reason?: string }>
          open={marking !== null}
          title={marking ? t(marking.result === 'paid' ? 'batches.markPaidTitle' : 'batches.markFailedTitle', { no: marking.line.payoutNo }) : ''}
          onClose={() => setMarking(null)}
          onSubmit={mark}
          danger={marking?.result === 'failed'}
          testId="batch-mark-form"
        >
          {marking?.result === 'paid' ? (
            <Form.Item name="bankReference" label={t('batches.bankReference')} rules={[{ required: true, whitespace: true, max: 100, message: t('batches.bankReferenceRequired') }]}>
              <Input maxLength={100} data-testid="batch-bank-reference" />
            </Form.Item>
          ) : (
            <Form.Item name="reason" label={t('batches.reason')} extra={t('batches.reasonHint')} rules={[{ max: 500 }]}>
              <Input.TextArea rows={2} maxLength={500} data-testid="batch-fail-reason" />
            </Form.Item>
          )}
        </FormModal>
      </Drawer>
    </Card>
  );
}
