// 对账单 on the reconciliation screen: the providers' bills per day, the differences of the one picked
// (each kind labelled in the console's language, the code beside it), a 拉取 (fetch now) for finance and
// the owner, and settling a difference with a note.
import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { StatementBill, StatementBills, StatementDifference, StatementProvider } from './types';

const STATUS_COLOR: Record<StatementBill['status'], string> = { pending: 'processing', not_ready: 'gold', failed: 'error', fetched: 'success' };
const KIND_COLOR: Record<string, string> = { missing_here: 'magenta', missing_there: 'volcano', amount_differs: 'red', state_differs: 'orange', duplicate: 'purple' };

/** Yesterday in Beijing: the latest day that has a bill. */
function beijingYesterday(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

/** onChange: a fetch or a settlement changed what reconciliation reports (its statement checks). */
export function StatementsSection({ onChange }: { onChange?: () => void } = {}) {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const mayFetch = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const bills = useApi<StatementBills>('/api/admin/statements');
  const [picked, setPicked] = useState<{ provider: StatementProvider; date: string } | null>(null);
  const [provider, setProvider] = useState<StatementProvider | undefined>();
  const [date, setDate] = useState(beijingYesterday());
  const [resolving, setResolving] = useState<StatementDifference | null>(null);
  const { run, running } = useRun();
  const { message } = App.useApp();
  const configured = useMemo(() => (bills.data?.providers ?? []).filter((p) => p.configured).map((p) => p.provider), [bills.data]);
  const items = bills.data?.items ?? [];

  // start on a bill that needs a look
  useEffect(() => {
    if (!picked && items.length) {
      const open = items.find((b) => b.openDifferenceCount > 0) ?? items.find((b) => b.status === 'fetched');
      if (open) setPicked({ provider: open.provider, date: open.billDate });
    }
  }, [items, picked]);
  useEffect(() => {
    if (!provider && configured.length) setProvider(configured[0]);
  }, [configured, provider]);

  const diffs = useApi<{ items: StatementDifference[] }>(picked ? '/api/admin/statements/differences' : null, picked ? { provider: picked.provider, date: picked.date } : undefined);
  const providerName = (p: string) => t(`stmt.provider.${p}`);

  const fetchNow = async () => {
    if (!provider || !date) return;
    const r = await run(() => api.post<{ lineCount: number; differenceCount: number }>('/api/admin/statements/fetch', { provider, date }));
    if (!r) return;
    message.success(t('stmt.fetched', { lines: r.lineCount, diffs: r.differenceCount }));
    setPicked({ provider, date });
    bills.reload();
    diffs.reload();
    onChange?.();
    return r;
  };

  const resolve = async (v: { note: string }) => {
    if (!resolving) return false;
    const r = await run(() => api.post(`/api/admin/statements/differences/${resolving.id}/resolve`, { note: v.note.trim() }), { success: t('stmt.resolveDone') });
    if (r === undefined) return false;
    bills.reload();
    diffs.reload();
    onChange?.();
    return true;
  };

  return (
    <Card
      title={t('stmt.title')}
      style={{ marginTop: 16 }}
      data-testid="stmt-section"
      extra={
        mayFetch && (
          <Space wrap>
            <Select<StatementProvider>
              style={{ width: 140 }}
              value={provider}
              onChange={setProvider}
              options={(bills.data?.providers ?? []).map((p) => ({ value: p.provider, label: `${providerName(p.provider)}${p.configured ? '' : t('stmt.notConfigured')}`, disabled: !p.configured }))}
              data-testid="stmt-fetch-provider"
            />
            <Input type="date" style={{ width: 160 }} value={date} max={beijingYesterday()} onChange={(e) => setDate(e.target.value)} data-testid="stmt-fetch-date" />
            <Tooltip title={t('stmt.fetchHint')}>
              <Button type="primary" onClick={fetchNow} loading={running} disabled={!provider} data-testid="stmt-fetch">
                {t('stmt.fetch')}
              </Button>
            </Tooltip>
          </Space>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('stmt.hint')}</Typography.Paragraph>
      {bills.error && <Alert type="error" showIcon title={describeError(bills.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<StatementBill>
        rowKey="id"
        size="small"
        loading={bills.loading}
        dataSource={items}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        scroll={{ x: 980 }}
        locale={{ emptyText: t('stmt.noBills') }}
        data-testid="stmt-bills"
        onRow={(b) => ({ 'data-testid': `stmt-bill-${b.provider}-${b.billDate}`, style: picked?.provider === b.provider && picked.date === b.billDate ? { background: '#e6f4ff' } : undefined }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('stmt.date'), dataIndex: 'billDate', width: 110 },
          { title: t('stmt.provider'), dataIndex: 'provider', width: 100, render: providerName },
          {
            title: t('stmt.status'),
            dataIndex: 'status',
            width: 170,
            render: (s: StatementBill['status'], b) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATUS_COLOR[s]}>{t(`stmt.status.${s}`)}</Tag>
                {b.lastError && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('stmt.lastError', { code: b.lastError })}</Typography.Text>}
                {b.status !== 'fetched' && b.nextAttemptAt && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('stmt.nextAttempt', { at: formatDateTime(b.nextAttemptAt) })}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('stmt.lines'), dataIndex: 'lineCount', width: 70, align: 'right' },
          { title: t('stmt.payments'), key: 'p', width: 150, align: 'right', render: (_v, b) => t('stmt.countTotal', { n: b.paymentCount, amount: formatFen(b.paymentTotalFen) }) },
          { title: t('stmt.refunds'), key: 'r', width: 150, align: 'right', render: (_v, b) => t('stmt.countTotal', { n: b.refundCount, amount: formatFen(b.refundTotalFen) }) },
          {
            title: t('stmt.differences'),
            key: 'd',
            width: 150,
            render: (_v, b) =>
              b.status !== 'fetched' ? '—' : b.differenceCount === 0 ? <Tag color="success">{t('stmt.none')}</Tag> : (
                <Tag color={b.openDifferenceCount > 0 ? 'red' : 'default'} data-testid={`stmt-bill-diffs-${b.provider}-${b.billDate}`}>{t('stmt.openOf', { open: b.openDifferenceCount, total: b.differenceCount })}</Tag>
              ),
          },
          { title: t('stmt.fetchedAt'), dataIndex: 'fetchedAt', width: 170, render: formatDateTime },
          {
            title: coreT('common.actions'),
            key: 'a',
            width: 100,
            render: (_v, b) => b.status === 'fetched' && (
              <Button size="small" onClick={() => setPicked({ provider: b.provider, date: b.billDate })} data-testid={`stmt-view-${b.provider}-${b.billDate}`}>{t('stmt.view')}</Button>
            ),
          },
        ]}
      />
      {picked && (
        <div style={{ marginTop: 16 }} data-testid="stmt-differences" data-provider={picked.provider} data-date={picked.date}>
          <Typography.Title level={5}>{t('stmt.diffTitle', { provider: providerName(picked.provider), date: picked.date })}</Typography.Title>
          {diffs.error && <Alert type="error" showIcon title={describeError(diffs.error, coreT)} style={{ marginBottom: 16 }} />}
          <Table<StatementDifference>
            rowKey="id"
            size="small"
            loading={diffs.loading}
            dataSource={diffs.data?.items ?? []}
            pagination={{ pageSize: 20, showSizeChanger: false }}
            scroll={{ x: 1180 }}
            locale={{ emptyText: t('stmt.diffNone') }}
            onRow={(d) => ({ 'data-testid': `stmt-diff-${d.kind}`, 'data-reference': d.reference }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('stmt.kind'),
                dataIndex: 'kind',
                width: 170,
                render: (k: string) => (
                  <Tooltip title={t(`stmt.kindHint.${k}`)}>
                    <Space orientation="vertical" size={0}>
                      <Tag color={KIND_COLOR[k]}>{t(`stmt.kind.${k}`)}</Tag>
                      <Typography.Text type="secondary" style={{ fontSize: 11 }}>{k}</Typography.Text>
                    </Space>
                  </Tooltip>
                ),
              },
              { title: t('stmt.reference'), dataIndex: 'reference', width: 240, render: (v: string, d) => <Space orientation="vertical" size={0}><Typography.Text copyable>{v}</Typography.Text>{d.outTradeNo && d.outTradeNo !== v && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{d.outTradeNo}</Typography.Text>}</Space> },
              { title: t('stmt.record'), dataIndex: 'recordType', width: 110, render: (v: string | null, d) => (v ? `${t(`stmt.record.${v}`)} #${d.recordId}` : '—') },
              { title: t('stmt.ours'), dataIndex: 'ourFen', width: 110, align: 'right', render: (v: number | null) => formatFen(v) },
              { title: t('stmt.theirs'), dataIndex: 'theirFen', width: 110, align: 'right', render: (v: number | null, d) => <Typography.Text type={d.kind === 'amount_differs' ? 'danger' : undefined}>{formatFen(v)}</Typography.Text> },
              { title: t('stmt.states'), key: 's', width: 160, render: (_v, d) => `${d.ourState ?? '—'} / ${d.theirState ?? '—'}` },
              { title: t('stmt.note'), dataIndex: 'note', width: 200, render: (v: string | null) => v ?? '—' },
              {
                title: coreT('common.status'),
                key: 'res',
                width: 200,
                render: (_v, d) => d.resolved ? (
                  <Tooltip title={`${d.resolvedByName ?? ''} ${formatDateTime(d.resolvedAt)}`}>
                    <Space orientation="vertical" size={0}><Tag color="success">{t('stmt.resolved')}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{d.resolutionNote}</Typography.Text></Space>
                  </Tooltip>
                ) : (
                  <Space>
                    <Tag color="red">{t('stmt.open')}</Tag>
                    {mayFetch && <Button size="small" onClick={() => setResolving(d)} data-testid={`stmt-resolve-${d.id}`}>{t('stmt.resolve')}</Button>}
                  </Space>
                ),
              },
            ]}
          />
        </div>
      )}
      <FormModal<{ note: string }> open={resolving !== null} title={resolving ? t('stmt.resolveTitle', { reference: resolving.reference }) : ''} onClose={() => setResolving(null)} onSubmit={resolve} testId="stmt-resolve-form">
        <Form.Item name="note" label={t('stmt.resolveNote')} rules={[{ required: true, whitespace: true, min: 2, max: 500, message: t('stmt.resolveNoteRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="stmt-resolve-note" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
