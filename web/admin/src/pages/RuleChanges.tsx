// 待审批的规则修改: a change past a risk line waits for a second owner/finance member, who approves
// or rejects it here; its proposer may withdraw it. Also the notice shown when a save answers 202.
import { Alert, App, Button, Card, Empty, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal, ReasonField } from '../components/FormModal';
import { formatDateTime } from '../format';
import { describeError, useApi, useRun } from '../hooks';
import { useT, type Translate } from '../i18n';
import { changeText, fieldLabel, lineText, MONEY_LIMIT_ROLES, ruleErrorText, type RuleChange } from './ruleChangesModel';

/** useRun, but the refusals of saving and deciding rules are explained in a dialog in the console's language. */
export function useRulesRun() {
  const { run, running } = useRun();
  const { modal, message } = App.useApp();
  const t = useT();
  const runRules = useCallback(
    async <R,>(fn: () => Promise<R>, success?: string): Promise<R | undefined> => {
      let explained = false;
      const result = await run(async () => {
        try {
          return await fn();
        } catch (e) {
          const text = ruleErrorText(t, e);
          if (!text) throw e;
          explained = true;
          modal.error({ title: text.title, content: text.content });
          return undefined;
        }
      });
      if (explained || result === undefined) return undefined;
      if (success) message.success(success);
      return result;
    },
    [run, modal, message, t],
  );
  return { runRules, running };
}

/** What a 202 means: nothing changed yet; which lines the change crossed. */
export function pendingNotice(t: Translate, change: RuleChange): { title: string; content: ReactNode } {
  return {
    title: t('ruleChanges.pendingTitle', { id: change.id }),
    content: (
      <div data-testid="rules-pending-notice">
        <Typography.Paragraph>{t('ruleChanges.pendingBody', { version: change.baseVersionId })}</Typography.Paragraph>
        <ul style={{ paddingLeft: 20, margin: 0 }}>
          {change.triggers.map((tr) => (
            <li key={tr.field}>
              <Typography.Text strong>{lineText(t, tr)}</Typography.Text>（{changeText(t, tr)}）
            </li>
          ))}
        </ul>
      </div>
    ),
  };
}

function ChangeItem({ change, actions }: { change: RuleChange; actions: ReactNode }) {
  const t = useT();
  return (
    <List.Item data-testid={`rule-change-${change.id}`} style={{ display: 'block' }}>
      <Space wrap size={4} style={{ marginBottom: 4 }}>
        <Typography.Text strong>#{change.id}</Typography.Text>
        {change.triggers.map((tr) => (
          <Tag key={tr.field} color="orange">
            {lineText(t, tr)}
          </Tag>
        ))}
        {change.stale && <Tag color="red">{t('ruleChanges.stale')}</Tag>}
      </Space>
      <ul style={{ paddingLeft: 18, margin: '4px 0', fontSize: 12 }}>
        {change.changes.map((c) => (
          <li key={c.field} title={fieldLabel(t, c.field)}>
            {changeText(t, c)}
          </li>
        ))}
      </ul>
      {change.note && <div style={{ fontSize: 12 }}>{change.note}</div>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('ruleChanges.proposedBy', { name: change.proposedByName ?? `#${change.proposedBy}`, time: formatDateTime(change.createdAt), version: change.baseVersionId })}
      </Typography.Text>
      <div style={{ marginTop: 6 }}>{actions}</div>
    </List.Item>
  );
}

/** The pending changes; refreshKey reloads them, onApplied is told when one became the new version. */
export function PendingRuleChanges({ refreshKey, onApplied }: { refreshKey: number; onApplied: () => void }) {
  const t = useT();
  const { me } = useAuth();
  const list = useApi<{ items: RuleChange[] }>('/api/admin/rules/changes', { status: 'pending' });
  const { runRules } = useRulesRun();
  const [rejecting, setRejecting] = useState<RuleChange | null>(null);
  const mayDecide = !!me?.hqRole && MONEY_LIMIT_ROLES.includes(me.hqRole);
  const { reload } = list;

  useEffect(() => {
    if (refreshKey > 0) reload();
  }, [refreshKey, reload]);

  const approve = async (c: RuleChange) => {
    const done = await runRules(() => api.post(`/api/admin/rules/changes/${c.id}/approve`, {}), t('ruleChanges.approvedMsg'));
    reload();
    if (done !== undefined) onApplied();
  };
  const reject = async (v: { reason: string }) => {
    if (!rejecting) return false;
    const done = await runRules(() => api.post(`/api/admin/rules/changes/${rejecting.id}/reject`, { reason: v.reason.trim() }), t('ruleChanges.rejectedMsg'));
    reload();
    return done !== undefined;
  };
  const withdraw = async (c: RuleChange) => {
    await runRules(() => api.post(`/api/admin/rules/changes/${c.id}/reject`, { reason: t('ruleChanges.withdrawReason') }), t('ruleChanges.withdrawnMsg'));
    reload();
  };

  const actionsFor = (c: RuleChange): ReactNode => {
    if (c.proposedBy === me?.id) {
      return (
        <Space wrap>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('ruleChanges.waitingOther')}</Typography.Text>
          <Popconfirm title={t('ruleChanges.withdrawConfirm')} onConfirm={() => withdraw(c)}>
            <Button size="small" data-testid={`rule-change-withdraw-${c.id}`}>{t('ruleChanges.withdraw')}</Button>
          </Popconfirm>
        </Space>
      );
    }
    if (!mayDecide) return <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('ruleChanges.onlyMoneyRoles')}</Typography.Text>;
    return (
      <Space wrap>
        <Popconfirm title={t('ruleChanges.approveConfirm', { id: c.id })} description={t('ruleChanges.approveConfirmBody')} onConfirm={() => approve(c)} disabled={c.stale}>
          <Button size="small" type="primary" disabled={c.stale} data-testid={`rule-change-approve-${c.id}`}>{t('common.approve')}</Button>
        </Popconfirm>
        <Button size="small" danger onClick={() => setRejecting(c)} data-testid={`rule-change-reject-${c.id}`}>{t('common.reject')}</Button>
      </Space>
    );
  };

  const items = list.data?.items ?? [];
  return (
    <Card title={t('ruleChanges.title')} size="small" style={{ marginBottom: 16 }} data-testid="rule-changes" extra={items.length > 0 && <Tag color="orange">{items.length}</Tag>}>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 8 }} />}
      {items.length === 0 && !list.loading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ruleChanges.none')} />
      ) : (
        <List size="small" loading={list.loading} dataSource={items} renderItem={(c) => <ChangeItem change={c} actions={actionsFor(c)} />} />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>{t('ruleChanges.hint')}</Typography.Paragraph>
      <FormModal<{ reason: string }>
        open={rejecting !== null}
        title={rejecting ? t('ruleChanges.rejectTitle', { id: rejecting.id }) : ''}
        onClose={() => setRejecting(null)}
        onSubmit={reject}
        danger
        testId="rule-change-reject-form"
      >
        <ReasonField />
      </FormModal>
    </Card>
  );
}
