// 待我审批: every item waiting for a second HQ member under the two-person rule (GET /api/admin/approvals/pending):
// adjustments above the line and withdrawals with a first approval are decided here; rule changes link to the
// rules screen, where their diff is shown. The lines themselves are shown and changed here (a rule save: raising
// or turning one off waits for a second approver, src/modules/rules/limits.ts). The kind shown is in the URL (?kind=).
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, List, Popconfirm, Row, Segmented, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal, ReasonField } from '../../components/FormModal';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../../shared/money';
import type { ApprovalLines, PendingItem } from './types';
import { useUrlChoice } from '../../url-state';

const KIND_COLORS: Record<PendingItem['kind'], string> = { adjustment: 'blue', payout: 'purple', rule_change: 'orange' };
const KINDS = ['all', 'adjustment', 'payout', 'rule_change'] as const;

export default function InboxPage() {
  const t = useFeatureT();
  const coreT = useT();
  const list = useApi<{ items: PendingItem[] }>('/api/admin/approvals/pending');
  const { run } = useRun();
  const [rejecting, setRejecting] = useState<PendingItem | null>(null);
  const [kind, setKind] = useUrlChoice('kind', KINDS, 'all');
  const items = (list.data?.items ?? []).filter((i) => kind === 'all' || i.kind === kind);
  const forMe = items.filter((i) => !i.mine);
  const mine = items.filter((i) => i.mine);

  const path = (i: PendingItem) => (i.kind === 'adjustment' ? `/api/admin/adjustment-approvals/${i.id}` : `/api/admin/payouts/${i.id}`);
  const approve = async (i: PendingItem) => {
    await run(() => api.post(`${path(i)}/approve`, i.kind === 'adjustment' ? {} : undefined), { success: t('approvals.approvedMsg') });
    list.reload();
  };
  const reject = async (v: { reason: string }) => {
    if (!rejecting) return false;
    const done = await run(() => api.post(`${path(rejecting)}/reject`, { reason: v.reason.trim() }), { success: t('approvals.rejectedMsg') });
    list.reload();
    return done !== undefined;
  };

  const actionsFor = (i: PendingItem): ReactNode => {
    if (i.kind === 'rule_change') return <Link to="/rules" data-testid={`inbox-open-rules-${i.id}`}>{t('approvals.openRules')}</Link>;
    if (i.mine) return <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.waitingOther')}</Typography.Text>;
    if (!i.canApprove) return i.status === 'pending' || i.status === 'reviewing' ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.onlyMoneyRoles')}</Typography.Text> : null;
    return (
      <Space wrap>
        <Popconfirm title={t('approvals.approveConfirm')} onConfirm={() => approve(i)} okButtonProps={{ 'data-testid': `inbox-approve-confirm-${i.kind}-${i.id}` }}>
          <Button size="small" type="primary" data-testid={`inbox-approve-${i.kind}-${i.id}`}>{coreT('common.approve')}</Button>
        </Popconfirm>
        <Button size="small" danger onClick={() => setRejecting(i)} data-testid={`inbox-reject-${i.kind}-${i.id}`}>{coreT('common.reject')}</Button>
      </Space>
    );
  };

  const renderItem = (i: PendingItem) => (
    <List.Item data-testid={`inbox-${i.kind}-${i.id}`} style={{ display: 'block' }}>
      <Space wrap size={6} style={{ marginBottom: 4 }}>
        <Tag color={KIND_COLORS[i.kind]}>{t(`approvals.kind.${i.kind}`)}</Tag>
        <Typography.Text strong>#{i.id}</Typography.Text>
        {i.amountFen !== null && <Typography.Text strong>{formatFen(i.amountFen)}</Typography.Text>}
        {i.memberId !== null && <span>{i.memberNickname ?? ''} #{i.memberId}</span>}
        {i.fields.map((f) => <Tag key={f}>{coreT.maybe(`ruleChanges.line.${f}`) ?? f}</Tag>)}
      </Space>
      {i.note && <div style={{ fontSize: 12 }}>{i.note}</div>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t(i.kind === 'payout' ? 'approvals.firstApprovedBy' : 'approvals.startedBy', { name: i.startedByName ?? `#${i.startedBy}`, time: formatDateTime(i.startedAt) })}
      </Typography.Text>
      <div style={{ marginTop: 6 }}>{actionsFor(i)}</div>
    </List.Item>
  );

  const section = (title: string, rows: PendingItem[], testId: string) => (
    <Card title={title} size="small" style={{ marginBottom: 16 }} data-testid={testId} extra={rows.length > 0 && <Tag color="orange">{rows.length}</Tag>}>
      {rows.length === 0 && !list.loading ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.none')} /> : <List size="small" loading={list.loading} dataSource={rows} renderItem={renderItem} />}
    </Card>
  );

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Typography.Paragraph type="secondary">{t('approvals.hint')}</Typography.Paragraph>
        {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
        <Segmented
          style={{ marginBottom: 16, maxWidth: '100%', overflowX: 'auto' }}
          value={kind}
          onChange={(v) => setKind(v as typeof kind)}
          options={KINDS.map((k) => ({ value: k, label: k === 'all' ? coreT('common.all') : t(`approvals.kind.${k}`) }))}
          data-testid="inbox-kind"
        />
        {section(t('approvals.forMe'), forMe, 'inbox-for-me')}
        {section(t('approvals.mine'), mine, 'inbox-mine')}
        <Button onClick={list.reload} data-testid="inbox-refresh">{t('approvals.refresh')}</Button>
        <Link to="/payouts" style={{ marginLeft: 16 }}>{t('approvals.openPayouts')}</Link>
      </Col>
      <Col xs={24} xl={8}>
        <LinesCard onSaved={list.reload} />
      </Col>
      <FormModal<{ reason: string }>
        open={rejecting !== null}
        title={rejecting ? t('approvals.rejectTitle', { what: `${t(`approvals.kind.${rejecting.kind}`)} #${rejecting.id}` }) : ''}
        onClose={() => setRejecting(null)}
        onSubmit={reject}
        danger
        testId="inbox-reject-form"
      >
        <ReasonField />
      </FormModal>
    </Row>
  );
}

interface LinesForm {
  adjustmentYuan: string;
  payoutYuan: string;
}

/** The lines in force; owner and finance change them through a rule save (201 saved, or 202 waiting for a second approver). */
function LinesCard({ onSaved }: { onSaved: () => void }) {
  const t = useFeatureT();
  const coreT = useT();
  const { modal } = App.useApp();
  const { me } = useAuth();
  const rules = useApi<{ current: { id: number; config: Record<string, unknown> & { approvals?: ApprovalLines } } }>('/api/admin/rules');
  const [editing, setEditing] = useState(false);
  const { run } = useRun();
  const lines = rules.data?.current.config.approvals;
  const mayEdit = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const lineText = (fen: number | undefined) => (fen === undefined ? '—' : fen === 0 ? t('approvals.lines.off') : formatFen(fen));

  const save = async (v: LinesForm) => {
    const current = rules.data?.current.config;
    const adjustmentSecondApprovalFen = parseYuanToFen(v.adjustmentYuan);
    const payoutSecondApprovalFen = parseYuanToFen(v.payoutYuan);
    if (!current || adjustmentSecondApprovalFen === null || payoutSecondApprovalFen === null) return false;
    const config = { ...current, approvals: { adjustmentSecondApprovalFen, payoutSecondApprovalFen } };
    const res = await run(() => api.put<{ id: number; status?: string; triggers?: unknown[] }>('/api/admin/rules', { config, note: t('approvals.lines.note') }));
    if (res === undefined) return false;
    if (res.status === 'pending' && Array.isArray(res.triggers)) modal.info({ title: t('approvals.lines.pending', { id: res.id }) });
    else modal.success({ title: t('approvals.lines.saved') });
    rules.reload();
    onSaved();
    return true;
  };

  return (
    <Card title={t('approvals.lines.title')} size="small" data-testid="approval-lines" extra={mayEdit && <Button size="small" onClick={() => setEditing(true)} data-testid="approval-lines-edit">{t('approvals.lines.edit')}</Button>}>
      {rules.error && <Alert type="error" showIcon title={describeError(rules.error, coreT)} />}
      <Descriptions size="small" column={1} items={[
        { key: 'a', label: t('approvals.lines.adjustment'), children: lineText(lines?.adjustmentSecondApprovalFen) },
        { key: 'p', label: t('approvals.lines.payout'), children: lineText(lines?.payoutSecondApprovalFen) },
      ]} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>{t('approvals.lines.hint')}</Typography.Paragraph>
      <FormModal<LinesForm>
        open={editing}
        title={t('approvals.lines.edit')}
        onClose={() => setEditing(false)}
        onSubmit={save}
        initialValues={{ adjustmentYuan: fenToYuanText(lines?.adjustmentSecondApprovalFen ?? 0), payoutYuan: fenToYuanText(lines?.payoutSecondApprovalFen ?? 0) }}
        testId="approval-lines-form"
      >
        {(['adjustmentYuan', 'payoutYuan'] as const).map((name) => (
          <Form.Item
            key={name}
            name={name}
            label={t(name === 'adjustmentYuan' ? 'approvals.lines.adjustment' : 'approvals.lines.payout')}
            rules={[{ validator: (_r, v: string | undefined) => (parseYuanToFen(String(v ?? '')) === null ? Promise.reject(new Error(coreT('rules.badMoney'))) : Promise.resolve()) }]}
          >
            <Input prefix="¥" inputMode="decimal" style={{ maxWidth: 240 }} data-testid={`approval-lines-${name}`} />
          </Form.Item>
        ))}
      </FormModal>
    </Card>
  );
}
