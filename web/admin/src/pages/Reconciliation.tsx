// 对账: run every ledger invariant now and show any difference; finance can also run the unfreeze sweep.
import { CheckCircleTwoTone, CloseCircleTwoTone, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Result, Space, Tag, Typography } from 'antd';
import { api } from '../api';
import { useAuth } from '../auth';
import { formatDateTime } from '../format';
import { describeError, useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import type { Reconciliation } from '../types';

export default function ReconciliationPage() {
  const t = useT();
  const { modal } = App.useApp();
  const { can } = useAuth();
  const rec = useApi<Reconciliation>('/api/admin/reconciliation');
  const { run, running } = useRun();
  const r = rec.data;

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
    <Card
      title={t('recon.title')}
      extra={
        <Space wrap>
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
  );
}
