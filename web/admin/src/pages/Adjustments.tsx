// 佣金调整: a manual, audited change to a member's commission (negative allowed), with an idempotency key.
// Above the two-person line it waits (202) for another owner/finance member: the pending list below
// (features/approvals) is where they approve or reject it.
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Row, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { ReasonField } from '../components/FormModal';
import { MemberSelect } from '../components/MemberSelect';
import { describeError, useApi, useRun } from '../hooks';
import { useFeatureT, useT } from '../i18n';
import { AdjustmentLineHint, PendingAdjustments, useApprovalLines } from '../features/approvals/PendingAdjustments';
import { isPendingAdjustment } from '../features/approvals/types';
import { formatFen, newIdempotencyKey, parseYuanToFen } from '../../../shared/money';
import type { Balances } from '../types';

interface AdjustForm {
  memberId: number;
  amount: string;
  reason: string;
}

export default function AdjustmentsPage() {
  const t = useT();
  const ft = useFeatureT();
  const { modal, message } = App.useApp();
  const lines = useApprovalLines();
  const [pendingTick, setPendingTick] = useState(0);
  const { can } = useAuth();
  const writable = can('adjustments.write');
  const [form] = Form.useForm<AdjustForm>();
  const memberId = Form.useWatch('memberId', form);
  const amountText = Form.useWatch('amount', form);
  const balances = useApi<Balances>(memberId ? `/api/admin/members/${memberId}/balances` : null);
  const [key, setKey] = useState(() => newIdempotencyKey('admin-adjust'));
  const { run, running } = useRun();
  const [last, setLast] = useState<{ result: unknown; amountFen: number; memberId: number } | null>(null);

  const amountFen = amountText ? parseYuanToFen(amountText, { allowNegative: true }) : null;

  const submit = (v: AdjustForm) => {
    const fen = parseYuanToFen(v.amount, { allowNegative: true });
    if (fen === null || fen === 0) return;
    modal.confirm({
      title: t('adjust.confirmTitle'),
      content: t('adjust.confirmBody', { amount: formatFen(fen), id: v.memberId }),
      okButtonProps: { danger: fen < 0, 'data-testid': 'adjust-confirm' },
      onOk: async () => {
        const res = await run(() => api.post('/api/admin/adjustments', { memberId: v.memberId, amountFen: fen, reason: v.reason.trim(), idempotencyKey: key }));
        if (res !== undefined) {
          // 202: above the two-person line, nothing is credited until another owner/finance member approves
          if (isPendingAdjustment(res)) {
            modal.info({ title: ft('approvals.adjust.pendingTitle'), content: <span data-testid="adjust-pending-notice">{ft('approvals.adjust.pendingBody', { amount: formatFen(fen), line: formatFen(res.thresholdFen), id: res.id })}</span> });
            setPendingTick((n) => n + 1);
          } else message.success(t('adjust.done'));
          setLast({ result: res, amountFen: fen, memberId: v.memberId });
          setKey(newIdempotencyKey('admin-adjust'));
          form.setFieldsValue({ amount: '', reason: '' });
          balances.reload();
        }
      },
    });
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t('adjust.title')}>
          <Typography.Paragraph type="secondary">{t('adjust.hint')}</Typography.Paragraph>
          {!writable && <Alert type="info" showIcon title={t('common.readOnly')} style={{ marginBottom: 16 }} />}
          <AdjustmentLineHint lines={lines} />
          <Form<AdjustForm> form={form} layout="vertical" onFinish={submit} disabled={!writable} data-testid="adjust-form">
            <Form.Item name="memberId" label={t('adjust.member')} rules={[{ required: true, message: t('dryRun.buyerRequired') }]}>
              <MemberSelect testId="adjust-member" />
            </Form.Item>
            <Form.Item
              name="amount"
              label={t('adjust.amount')}
              extra={t('adjust.amountHint')}
              rules={[
                {
                  validator: (_r, v: string | undefined) => {
                    const fen = parseYuanToFen(String(v ?? ''), { allowNegative: true });
                    if (fen === null) return Promise.reject(new Error(t('rules.badMoney')));
                    if (fen === 0) return Promise.reject(new Error(t('adjust.nonZero')));
                    return Promise.resolve();
                  },
                },
              ]}
            >
              <Input prefix="¥" inputMode="decimal" placeholder="-12.34 / 50.00" style={{ maxWidth: 240 }} data-testid="adjust-amount" />
            </Form.Item>
            {amountFen !== null && amountFen !== 0 && (
              <Typography.Paragraph>
                {t('adjust.preview')}: <Typography.Text strong type={amountFen < 0 ? 'danger' : 'success'}>{amountFen > 0 ? '+' : ''}{formatFen(amountFen)}</Typography.Text>
              </Typography.Paragraph>
            )}
            <ReasonField />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('order.idempotencyKey')}: {key}
            </Typography.Paragraph>
            {writable && (
              <Button type="primary" htmlType="submit" loading={running} data-testid="adjust-submit">
                {t('adjust.submit')}
              </Button>
            )}
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('adjust.balances')}>
          {!memberId ? (
            <Empty description={t('adjust.pickMember')} />
          ) : balances.error ? (
            <Alert type="error" showIcon title={describeError(balances.error, t)} />
          ) : (
            <Row gutter={[12, 12]}>
              {Object.entries(balances.data ?? {}).map(([k, v]) => (
                <Col xs={12} md={8} key={k}>
                  <Statistic title={t.maybe(`balance.${k}`) ?? k} value={typeof v === 'number' && k.endsWith('Fen') ? formatFen(v) : String(v)} loading={balances.loading} />
                </Col>
              ))}
            </Row>
          )}
        </Card>
        <PendingAdjustments refreshKey={pendingTick} onApplied={balances.reload} />
        {last && (
          <Card title={t('adjust.last')} style={{ marginTop: 16 }}>
            <Descriptions size="small" column={1} items={[
              { key: 'm', label: t('adjust.member'), children: `#${last.memberId}` },
              { key: 'a', label: t('adjust.amount'), children: formatFen(last.amountFen) },
              { key: 'r', label: t('adjust.response'), children: <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(last.result, null, 2)}</pre> },
            ]} />
          </Card>
        )}
      </Col>
    </Row>
  );
}
