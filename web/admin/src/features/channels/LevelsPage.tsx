// 代理等级: HQ's levels of non-regional agents — the sales award rate and the award for bringing in an agent of the level,
// in points; in cash only under a compliance override (recruiting alone may not pay cash), whose reason the form asks.
import { Alert, Button, Card, Form, Input, InputNumber, Table, Tooltip } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { Items } from '../../types';
import type { AgentLevel } from './types';

interface LevelForm {
  name: string;
  salesAwardPercent: number;
  referralAwardYuan: number;
  referralAwardPoints: number;
  overrideReason?: string;
}

export default function LevelsPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const levels = useApi<Items<AgentLevel>>('/api/admin/agent-levels');
  const [editing, setEditing] = useState<AgentLevel | 'new' | null>(null);
  const { run } = useRun();

  const save = async (v: LevelForm) => {
    const referralAwardFen = Math.round((v.referralAwardYuan ?? 0) * 100);
    const complianceOverride = referralAwardFen > 0 && v.overrideReason ? { reason: v.overrideReason.trim() } : undefined;
    const body = { name: v.name.trim(), salesAwardBp: Math.round(v.salesAwardPercent * 100), referralAwardFen, referralAwardPoints: v.referralAwardPoints ?? 0, complianceOverride };
    const r = await run(() => (editing === 'new' ? api.post('/api/admin/agent-levels', body) : api.put(`/api/admin/agent-levels/${(editing as AgentLevel).id}`, body)), { success: t('channels.saved') });
    if (r === undefined) return false;
    levels.reload();
    return true;
  };

  return (
    <Card
      title={t('channels.levelsNav')}
      extra={writable && <Button type="primary" onClick={() => setEditing('new')} data-testid="level-new">{t('channels.level.new')}</Button>}
    >
      {levels.error && <Alert type="error" showIcon title={describeError(levels.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<AgentLevel>
        rowKey="id"
        loading={levels.loading}
        dataSource={levels.data?.items ?? []}
        data-testid="levels-table"
        pagination={false}
        columns={[
          { title: t('channels.level.name'), dataIndex: 'name' },
          { title: t('channels.level.salesAward'), dataIndex: 'salesAwardBp', align: 'right', render: (v: number) => formatBp(v) },
          {
            title: t('channels.level.referralAward'),
            dataIndex: 'referralAwardFen',
            align: 'right',
            render: (v: number, r: AgentLevel) =>
              v > 0 ? (
                <Tooltip title={r.complianceOverride ? t('channels.level.override', { reason: r.complianceOverride.reason }) : t('channels.level.noOverride')}>
                  <span>{formatFen(v)}</span>
                </Tooltip>
              ) : (
                ''
              ),
          },
          { title: t('channels.level.referralPoints'), dataIndex: 'referralAwardPoints', align: 'right' },
          ...(writable ? [{ title: '', key: 'edit', width: 90, render: (_: unknown, r: AgentLevel) => <a onClick={() => setEditing(r)}>{t('channels.edit')}</a> }] : []),
        ]}
      />
      <FormModal<LevelForm>
        open={editing !== null}
        title={editing === 'new' ? t('channels.level.new') : t('channels.level.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        testId="level-form"
        initialValues={
          editing && editing !== 'new'
            ? { name: editing.name, salesAwardPercent: editing.salesAwardBp / 100, referralAwardYuan: editing.referralAwardFen / 100, referralAwardPoints: editing.referralAwardPoints, overrideReason: editing.complianceOverride?.reason }
            : { salesAwardPercent: 5, referralAwardYuan: 0, referralAwardPoints: 0 }
        }
      >
        <Form.Item name="name" label={t('channels.level.name')} rules={[{ required: true, max: 30 }]}>
          <Input maxLength={30} data-testid="level-name" />
        </Form.Item>
        <Form.Item name="salesAwardPercent" label={t('channels.level.salesAwardPercent')} rules={[{ required: true }]}>
          <InputNumber min={0} max={100} step={0.5} precision={2} style={{ width: '100%' }} data-testid="level-rate" />
        </Form.Item>
        <Form.Item name="referralAwardPoints" label={t('channels.level.referralAwardPoints')}>
          <InputNumber min={0} max={100_000_000} precision={0} style={{ width: '100%' }} data-testid="level-referral-points" />
        </Form.Item>
        <Form.Item name="referralAwardYuan" label={t('channels.level.referralAwardYuan')} extra={t('channels.level.cashHint')}>
          <InputNumber min={0} max={1_000_000} precision={2} style={{ width: '100%' }} data-testid="level-referral" />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.referralAwardYuan !== b.referralAwardYuan}>
          {({ getFieldValue }) =>
            (getFieldValue('referralAwardYuan') ?? 0) > 0 && (
              <Form.Item name="overrideReason" label={t('channels.level.overrideReason')} rules={[{ required: true, whitespace: true, min: 10, message: t('channels.level.overrideMin') }]}>
                <Input.TextArea maxLength={500} rows={2} data-testid="level-override-reason" />
              </Form.Item>
            )
          }
        </Form.Item>
      </FormModal>
    </Card>
  );
}
