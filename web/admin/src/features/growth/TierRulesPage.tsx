// 等级升级规则: for each tier above the entry one, the conditions (all / any) that upgrade a distributor to it.
// Buying the package as the only way to a tier (entry fee), or direct referrals alone into a tier paying more than
// the entry tier, need a compliance override: the form takes its reason, the table tags the rules that have one.
import { Alert, Button, Card, Form, Input, Popconfirm, Segmented, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, request } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { fenToYuanText, parseYuanToFen } from '../../../../shared/money';

interface Tier {
  id: number;
  name: string;
  rank: number;
}
interface TierRule {
  tierId: number;
  match: 'all' | 'any';
  enabled: boolean;
  ownSpendFen: number | null;
  teamSalesFen: number | null;
  directReferrals: number | null;
  commissionEarnedFen: number | null;
  productId: number | null;
  complianceOverride: { reason: string } | null;
}
interface RuleForm {
  match: 'all' | 'any';
  enabled: boolean;
  ownSpend: string;
  teamSales: string;
  directReferrals: string;
  commissionEarned: string;
  productId: string;
  overrideReason?: string;
}

const yuanOrNull = (text: string | undefined) => (text && text.trim() ? parseYuanToFen(text) : null);
const intOrNull = (text: string | undefined) => (text && text.trim() ? Number(text.trim()) : null);

export default function TierRulesPage() {
  const ft = useFeatureT();
  const t = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const data = useApi<{ tiers: Tier[]; items: TierRule[] }>('/api/admin/tier-rules');
  const [editing, setEditing] = useState<Tier | null>(null);
  const { run } = useRun();
  const tiers = data.data?.tiers ?? [];
  const rules = new Map((data.data?.items ?? []).map((r) => [r.tierId, r]));
  const entryRank = tiers.length ? Math.min(...tiers.map((x) => x.rank)) : 0;

  const describe = (r: TierRule) => {
    const parts: string[] = [];
    if (r.ownSpendFen !== null) parts.push(ft('growth.rules.ownSpend', { v: fenToYuanText(r.ownSpendFen) }));
    if (r.teamSalesFen !== null) parts.push(ft('growth.rules.teamSales', { v: fenToYuanText(r.teamSalesFen) }));
    if (r.directReferrals !== null) parts.push(ft('growth.rules.directReferrals', { v: r.directReferrals }));
    if (r.commissionEarnedFen !== null) parts.push(ft('growth.rules.commissionEarned', { v: fenToYuanText(r.commissionEarnedFen) }));
    if (r.productId !== null) parts.push(ft('growth.rules.product', { v: r.productId }));
    return parts;
  };

  const save = async (v: RuleForm) => {
    if (!editing) return false;
    const body = {
      match: v.match,
      enabled: v.enabled,
      ownSpendFen: yuanOrNull(v.ownSpend),
      teamSalesFen: yuanOrNull(v.teamSales),
      directReferrals: intOrNull(v.directReferrals),
      commissionEarnedFen: yuanOrNull(v.commissionEarned),
      productId: intOrNull(v.productId),
      complianceOverride: v.overrideReason && v.overrideReason.trim() ? { reason: v.overrideReason.trim() } : undefined,
    };
    const r = await run(() => api.put(`/api/admin/tier-rules/${editing.id}`, body), { success: ft('growth.rules.saved') });
    if (r === undefined) return false;
    data.reload();
    return true;
  };
  const remove = async (tier: Tier) => {
    const r = await run(() => request('DELETE', `/api/admin/tier-rules/${tier.id}`), { success: ft('growth.rules.deleted') });
    if (r !== undefined) data.reload();
  };
  const checkNow = () => run(() => api.post<{ checked: number; upgraded: number }>('/api/admin/tier-rules/check')).then((r) => r && data.reload());

  const rule = editing ? rules.get(editing.id) : undefined;
  const yuanRule = { pattern: /^\s*(\d+(\.\d{1,2})?)?\s*$/, message: '¥' };
  const intRule = { pattern: /^\s*\d*\s*$/, message: '#' };

  return (
    <Card>
      <Typography.Paragraph type="secondary">{ft('growth.rules.hint')}</Typography.Paragraph>
      {writable && (
        <Button style={{ marginBottom: 12 }} onClick={checkNow} data-testid="tier-rules-check">
          {ft('growth.rules.checkNow')}
        </Button>
      )}
      {data.error && <Alert type="error" showIcon title={describeError(data.error, t)} style={{ marginBottom: 16 }} />}
      <Table<Tier>
        rowKey="id"
        loading={data.loading}
        dataSource={tiers}
        pagination={false}
        data-testid="tier-rules-table"
        onRow={(r) => ({ 'data-testid': `tier-rule-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: ft('growth.rules.rank'), dataIndex: 'rank', width: 80 },
          { title: ft('growth.rules.tier'), dataIndex: 'name', width: 160 },
          {
            title: ft('growth.rules.conditions'),
            key: 'conditions',
            render: (_v, tier) => {
              if (tier.rank === entryRank) return <Typography.Text type="secondary">{ft('growth.rules.entry')}</Typography.Text>;
              const r = rules.get(tier.id);
              if (!r) return <Typography.Text type="secondary">{ft('growth.rules.none')}</Typography.Text>;
              return (
                <Space wrap>
                  <Tag color={r.enabled ? 'blue' : 'default'}>{ft(`growth.rules.match.${r.match}`)}</Tag>
                  {describe(r).map((d) => (
                    <Tag key={d}>{d}</Tag>
                  ))}
                  {r.complianceOverride && (
                    <Tooltip title={r.complianceOverride.reason}>
                      <Tag color="orange" data-testid={`tier-rule-override-${tier.id}`}>{ft('growth.rules.override')}</Tag>
                    </Tooltip>
                  )}
                </Space>
              );
            },
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_v, tier) =>
              writable && tier.rank !== entryRank ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setEditing(tier)} data-testid={`tier-rule-edit-${tier.id}`}>
                    {ft('growth.rules.edit')}
                  </Button>
                  {rules.has(tier.id) && (
                    <Popconfirm title={ft('growth.rules.deleteConfirm')} onConfirm={() => remove(tier)}>
                      <Button size="small" danger data-testid={`tier-rule-delete-${tier.id}`}>
                        {ft('growth.rules.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <FormModal<RuleForm>
        open={editing !== null}
        title={editing ? ft('growth.rules.editTitle', { name: editing.name }) : ''}
        onClose={() => setEditing(null)}
        onSubmit={save}
        testId="tier-rule-form"
        initialValues={{
          match: rule?.match ?? 'all',
          enabled: rule?.enabled ?? true,
          ownSpend: rule?.ownSpendFen != null ? fenToYuanText(rule.ownSpendFen) : '',
          teamSales: rule?.teamSalesFen != null ? fenToYuanText(rule.teamSalesFen) : '',
          directReferrals: rule?.directReferrals != null ? String(rule.directReferrals) : '',
          commissionEarned: rule?.commissionEarnedFen != null ? fenToYuanText(rule.commissionEarnedFen) : '',
          productId: rule?.productId != null ? String(rule.productId) : '',
          overrideReason: rule?.complianceOverride?.reason ?? '',
        }}
      >
        {(form) => (
          <>
            <Form.Item name="match" label={ft('growth.rules.match')}>
              <Segmented options={[{ value: 'all', label: ft('growth.rules.match.all') }, { value: 'any', label: ft('growth.rules.match.any') }]} />
            </Form.Item>
            <Typography.Paragraph type="secondary">{ft('growth.rules.field.blank')}</Typography.Paragraph>
            <Form.Item name="ownSpend" label={ft('growth.rules.field.ownSpend')} rules={[yuanRule]}>
              <Input inputMode="decimal" data-testid="tier-rule-own-spend" />
            </Form.Item>
            <Form.Item name="teamSales" label={ft('growth.rules.field.teamSales')} rules={[yuanRule]}>
              <Input inputMode="decimal" data-testid="tier-rule-team-sales" />
            </Form.Item>
            <Form.Item name="directReferrals" label={ft('growth.rules.field.directReferrals')} rules={[intRule]}>
              <Input inputMode="numeric" data-testid="tier-rule-direct" />
            </Form.Item>
            <Form.Item name="commissionEarned" label={ft('growth.rules.field.commissionEarned')} rules={[yuanRule]}>
              <Input inputMode="decimal" data-testid="tier-rule-commission" />
            </Form.Item>
            <Form.Item
              name="productId"
              label={ft('growth.rules.field.productId')}
              rules={[
                intRule,
                {
                  validator: async () => {
                    const v = form.getFieldsValue();
                    if ([v.ownSpend, v.teamSales, v.directReferrals, v.commissionEarned, v.productId].every((x) => !x || !String(x).trim())) throw new Error(ft('growth.rules.needOne'));
                  },
                },
              ]}
            >
              <Input inputMode="numeric" data-testid="tier-rule-product" />
            </Form.Item>
            <Form.Item name="overrideReason" label={ft('growth.rules.field.override')} extra={ft('growth.rules.field.overrideHint')} rules={[{ min: 10, message: ft('growth.rules.field.overrideMin') }]}>
              <Input.TextArea maxLength={500} rows={2} data-testid="tier-rule-override" />
            </Form.Item>
            <Form.Item name="enabled" label={ft('growth.rules.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        )}
      </FormModal>
    </Card>
  );
}
