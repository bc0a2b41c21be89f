// 对账: run every ledger invariant now and show any difference; finance can also run the unfreeze sweep.
// Below, the providers' statements (对账单) and their differences. The ledger's transfers export from
// here (导出账本流水: by booked date, transfer code and member), streamed however many there are.
import { CheckCircleTwoTone, CloseCircleTwoTone, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Result, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ExportButton } from '../components/ExportButton';
import { api } from '../api';
import { useAuth } from '../auth';
import { formatDateTime } from '../format';
import { formatFen } from '../../../shared/money';
import { describeError, useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import type { Reconciliation } from '../types';
import { StatementsSection } from '../features/statements/StatementsSection';

export default function ReconciliationPage() {
  const t = useT();
  const { modal } = App.useApp();
  const { can } = useAuth();
  const rec = useApi<Reconciliation>('/api/admin/reconciliation');
  const { run, running } = useRun();
  const [ledgerCode, setLedgerCode] = useState('');
  const r = rec.data;

  // a payment that reached a closed order: finance sends it back through its provider, once (the key is the payment's)
  const returnPayment = (d: Record<string, unknown>) =>
    modal.confirm({
      title: t('recon.returnConfirm', { orderNo: String(d.order_no ?? ''), amount: formatFen(Number(d.amount_fen)) }),
      content: t('recon.returnHint'),
      onOk: async () => {
        const res = await run(() => api.post<{ status: string }>(`/api/admin/payments/${String(d.out_trade_no)}/return`, { reason: t('recon.returnReason'), idempotencyKey: `return-${String(d.out_trade_no)}` }));
        if (res) {
          modal.success({ title: t('recon.returnDone', { status: t.maybe(`recon.returnStatus.${res.status}`) ?? res.status }) });
          rec.reload();
        }
      },
    });

  const unfreeze = () =>
    modal.confirm({
      title: t('recon.unfreezeConfirm'),
      content: t('recon.unfreezeHint'),
      onOk: async () => {
        const res = await run(() => api.post<Record<string, unknown>>('/api/admin/jobs/unfreeze'));
        if (res) {
          modal.success({ title: t('recon.unfreezeDone'), content: <pre style={{ fontSize: 12 }}>{JSON.stringify(res, null, 2)}</pre> });
          rec.reload();
        }
      },
    });

  return (
    <>
      <Card
        title={t('recon.title')}
        extra={
          <Space wrap>
            <ExportButton path="/api/admin/ledger/export" filters={{ code: /^[a-z0-9_.]{1,64}$/.test(ledgerCode) ? ledgerCode : undefined }} fileName="ledger" title="export.ledgerTitle" rangeLabel="export.rangeBooked" testId="ledger-export">
              <Form.Item label={t('export.ledgerCode')} extra={t('export.ledgerCodeHint')}>
                <Input allowClear value={ledgerCode} onChange={(e) => setLedgerCode(e.target.value.trim())} placeholder="commission.earn" data-testid="ledger-export-code" />
              </Form.Item>
            </ExportButton>
            {can('jobs.unfreeze') && (
              <Button onClick={unfreeze} loading={running} data-testid="recon-unfreeze">
                {t('recon.unfreeze')}
              </Button>
            )}
            <Button type="primary" icon={<ReloadOutlined />} onClick={rec.reload} loading={rec.loading} data-testid="recon-run">
              {t('recon.run')}
            </Button>
          </Space>
        }
      >
        {rec.error && <Alert type="error" showIcon title={describeError(rec.error, t)} style={{ marginBottom: 16 }} />}
        {r && (
          <>
            <Result
              status={r.ok ? 'success' : 'error'}
              title={r.ok ? t('recon.ok') : t('recon.notOk')}
              subTitle={`${t('recon.checkedAt')}: ${formatDateTime(r.checkedAt ?? null)}${r.transfers !== undefined ? ` · ${t('recon.transfers', { n: r.transfers })}` : ''}`}
              style={{ padding: '16px 0' }}
              data-testid={r.ok ? 'recon-ok' : 'recon-failed'}
            />
            <div data-testid="recon-checks" style={{ border: '1px solid #f0f0f0', borderRadius: 8 }}>
              {r.checks.map((c, i) => (
                <div key={c.name} style={{ padding: '12px 16px', borderTop: i ? '1px solid #f0f0f0' : undefined }} data-testid={`recon-check-${c.name}`}>
                  <Space wrap>
                    {c.differences.length === 0 ? <CheckCircleTwoTone twoToneColor="#52c41a" /> : <CloseCircleTwoTone twoToneColor="#ff4d4f" />}
                    <Typography.Text code>{c.name}</Typography.Text>
                    {c.differences.length > 0 && <Tag color="red">{t('recon.differences', { n: c.differences.length })}</Tag>}
                  </Space>
                  <div style={{ color: '#666', marginTop: 4 }}>{t.maybe(`recon.check.${c.name}`) ?? c.description}</div>
                  {c.name === 'payments_without_order' && can('jobs.unfreeze') && (
                    <Space wrap style={{ marginTop: 8 }}>
                      {(c.differences as Array<Record<string, unknown>>).map((d) => (
                        <Button key={String(d.out_trade_no)} danger size="small" onClick={() => returnPayment(d)} loading={running} data-testid="recon-return" data-out-trade-no={String(d.out_trade_no)}>
                          {t('recon.return')} {String(d.order_no ?? '')} · {formatFen(Number(d.amount_fen))}
                        </Button>
                      ))}
                    </Space>
                  )}
                  {c.differences.length > 0 && (
                    <pre style={{ background: '#fff1f0', padding: 8, marginTop: 8, fontSize: 12, maxHeight: 240, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                      {JSON.stringify(c.differences, null, 2)}
                    </pre>
                  )}
                </div>
              ))}
            </div>
          </>
        )}
      </Card>
      {/* the providers' daily bills matched against our payments and refunds */}
      <StatementsSection onChange={rec.reload} />
    </>
  );
}
