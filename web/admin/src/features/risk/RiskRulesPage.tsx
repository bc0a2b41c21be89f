// 风控规则: the risk rules in force (a form per rule: on/off and its lines), saved as a new version by the
// owner or finance; earlier versions; and the dry run — what each rule, on or off, would have held of the
// last N days' earnings under the settings in the form (saved or not). Nothing is held by a dry run.
import { Alert, Button, Card, Col, Collapse, Form, Input, InputNumber, Row, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { enumLabel } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../../../shared/money';
import { reasonText } from './reasons';
import type { DryRunAnswer, RiskRulesAnswer, RiskRulesConfig } from './types';

/** The form holds money as yuan text and the refund line as percent text (both exact hundredths). */
type FormValues = Omit<RiskRulesConfig, 'refundRate' | 'dailyCommission'> & {
  refundRate: Omit<RiskRulesConfig['refundRate'], 'maxRefundBp'> & { maxRefundPercent: string };
  dailyCommission: { enabled: boolean; maxYuan: string };
  note?: string;
};

function toForm(c: RiskRulesConfig): FormValues {
  const { maxRefundBp, ...refundRate } = c.refundRate;
  return { ...c, refundRate: { ...refundRate, maxRefundPercent: fenToYuanText(maxRefundBp) }, dailyCommission: { enabled: c.dailyCommission.enabled, maxYuan: fenToYuanText(c.dailyCommission.maxFen) } };
}

function toConfig(v: FormValues): RiskRulesConfig {
  const { maxRefundPercent, ...refundRate } = v.refundRate;
  return {
    linkedBuyer: v.linkedBuyer,
    sharedSignal: v.sharedSignal,
    refundRate: { ...refundRate, maxRefundBp: parseYuanToFen(maxRefundPercent) ?? -1 },
    refundBurst: v.refundBurst,
    dailyCommission: { enabled: v.dailyCommission.enabled, maxFen: parseYuanToFen(v.dailyCommission.maxYuan) ?? -1 },
  };
}

const int = (min: number, max: number) => <InputNumber min={min} max={max} precision={0} style={{ width: '100%' }} />;

function RuleCard({ name, title, desc, testId, children }: { name: keyof RiskRulesConfig; title: string; desc: string; testId: string; children?: React.ReactNode }) {
  const t = useFeatureT();
  return (
    <Card size="small" title={title} data-testid={testId} extra={<Form.Item name={[name, 'enabled']} valuePropName="checked" noStyle><Switch data-testid={`${testId}-enabled`} checkedChildren={t('risk.rules.enabled')} /></Form.Item>}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{desc}</Typography.Paragraph>
      <Row gutter={12}>{children}</Row>
    </Card>
  );
}

const field = (name: [string, string], label: string, control: React.ReactNode, testId: string) => (
  <Col xs={24} sm={12} key={name.join('.')}>
    <Form.Item name={name} label={label} rules={[{ required: true }]} data-testid={testId}>
      {control}
    </Form.Item>
  </Col>
);

function DryRunResult({ answer }: { answer: DryRunAnswer }) {
  const t = useFeatureT();
  const core = useT();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="risk-dry-result">
      <Typography.Text type="secondary">
        {t('risk.dry.examined', { n: answer.examined, since: formatDateTime(answer.since) })}
        {answer.truncated ? t('risk.dry.truncated', { n: answer.examined }) : ''}
      </Typography.Text>
      <Collapse
        items={answer.rules.map((r) => ({
          key: r.rule,
          label: (
            <Space wrap data-testid={`risk-dry-${r.rule}`} data-count={r.count}>
              <strong>{t(`risk.rule.${r.rule}`)}</strong>
              <Tag color={r.enabled ? 'green' : 'default'}>{t(r.enabled ? 'risk.dry.on' : 'risk.dry.off')}</Tag>
              <span>{r.count ? t('risk.dry.hits', { count: r.count, amount: formatFen(r.amountFen) }) : t('risk.dry.nothing')}</span>
            </Space>
          ),
          children: (
            <Table
              size="small"
              rowKey="earningId"
              pagination={false}
              scroll={{ x: 900 }}
              dataSource={r.items}
              columns={[
                { title: t('risk.col.order'), dataIndex: 'orderNo', width: 180 },
                { title: t('risk.col.earner'), key: 'earner', width: 140, render: (_v, i) => `${i.earnerNickname} #${i.earnerId}` },
                { title: t('risk.col.buyer'), key: 'buyer', width: 140, render: (_v, i) => `${i.buyerNickname} #${i.buyerId}` },
                { title: t('risk.col.amount'), key: 'amount', width: 100, align: 'right', render: (_v, i) => formatFen(i.amountFen) },
                { title: t('risk.col.reason'), key: 'reason', width: 280, render: (_v, i) => reasonText(t, i.reason) },
                { title: t('risk.col.status'), key: 'state', width: 130, render: (_v, i) => <Space size={4}>{enumLabel(core, 'earning', i.state)}{i.held && <Tag color="gold">{t('risk.dry.heldNow')}</Tag>}</Space> },
                { title: t('risk.col.createdAt'), key: 'createdAt', width: 150, render: (_v, i) => formatDateTime(i.createdAt) },
              ]}
            />
          ),
        }))}
      />
    </Space>
  );
}

export default function RiskRulesPage() {
  const t = useFeatureT();
  const core = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const rules = useApi<RiskRulesAnswer>('/api/admin/risk/rules');
  const [form] = Form.useForm<FormValues>();
  const [days, setDays] = useState(7);
  const [dry, setDry] = useState<DryRunAnswer | null>(null);
  const { run, running } = useRun();
  const current = rules.data?.current;
  useEffect(() => {
    if (current) form.setFieldsValue(toForm(current.config));
  }, [current, form]);

  const save = async () => {
    const values = await form.validateFields();
    const saved = await run(() => api.put<{ id: number }>('/api/admin/risk/rules', { config: toConfig(values), note: values.note?.trim() || undefined }));
    if (saved) {
      rules.reload();
      form.setFieldValue('note', '');
    }
  };
  const dryRun = async () => {
    const values = await form.validateFields();
    const answer = await run(() => api.post<DryRunAnswer>('/api/admin/risk/rules/dry-run', { config: toConfig(values), days }));
    if (answer) setDry(answer);
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('risk.nav.rules')} data-testid="risk-rules" extra={current && <Typography.Text type="secondary">{t('risk.rules.version', { id: current.id, at: formatDateTime(current.createdAt) })}</Typography.Text>}>
        <Typography.Paragraph type="secondary">{t('risk.rules.hint')}</Typography.Paragraph>
        {rules.error && <Alert type="error" showIcon title={describeError(rules.error, core)} style={{ marginBottom: 16 }} />}
        <Form<FormValues> form={form} layout="vertical" disabled={!writable} data-testid="risk-rules-form">
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <RuleCard name="linkedBuyer" title={t('risk.rule.linked_buyer')} desc={t('risk.rules.linkedBuyer.desc')} testId="risk-rule-linkedBuyer">
                {field(['linkedBuyer', 'recheckDays'], t('risk.rules.recheckDays'), int(1, 90), 'risk-field-recheckDays')}
              </RuleCard>
            </Col>
            <Col xs={24} lg={12}>
              <RuleCard name="sharedSignal" title={t('risk.rule.shared_signal')} desc={t('risk.rules.sharedSignal.desc')} testId="risk-rule-sharedSignal">
                {field(['sharedSignal', 'minBuyers'], t('risk.rules.minBuyers'), int(2, 10_000), 'risk-field-minBuyers')}
                {field(['sharedSignal', 'windowDays'], t('risk.rules.windowDays'), int(1, 90), 'risk-field-sharedWindowDays')}
                {field(['sharedSignal', 'newBuyerDays'], t('risk.rules.newBuyerDays'), int(1, 365), 'risk-field-newBuyerDays')}
                {field(['sharedSignal', 'subnetMinBuyers'], t('risk.rules.subnetMinBuyers'), int(0, 100_000), 'risk-field-subnetMinBuyers')}
              </RuleCard>
            </Col>
            <Col xs={24} lg={12}>
              <RuleCard name="refundRate" title={t('risk.rule.refund_rate')} desc={t('risk.rules.refundRate.desc')} testId="risk-rule-refundRate">
                {field(['refundRate', 'maxRefundPercent'], t('risk.rules.maxRefundPercent'), <Input inputMode="decimal" data-testid="risk-input-maxRefundPercent" />, 'risk-field-maxRefundPercent')}
                {field(['refundRate', 'minOrders'], t('risk.rules.minOrders'), int(1, 100_000), 'risk-field-minOrders')}
                {field(['refundRate', 'windowDays'], t('risk.rules.windowDays'), int(1, 365), 'risk-field-refundWindowDays')}
              </RuleCard>
            </Col>
            <Col xs={24} lg={12}>
              <RuleCard name="refundBurst" title={t('risk.rule.refund_burst')} desc={t('risk.rules.refundBurst.desc')} testId="risk-rule-refundBurst">
                {field(['refundBurst', 'minOrders'], t('risk.rules.minBurstOrders'), int(2, 100_000), 'risk-field-burstOrders')}
                {field(['refundBurst', 'windowMinutes'], t('risk.rules.windowMinutes'), int(1, 10_080), 'risk-field-windowMinutes')}
              </RuleCard>
            </Col>
            <Col xs={24} lg={12}>
              <RuleCard name="dailyCommission" title={t('risk.rule.daily_commission')} desc={t('risk.rules.dailyCommission.desc')} testId="risk-rule-dailyCommission">
                {field(['dailyCommission', 'maxYuan'], t('risk.rules.maxYuan'), <Input inputMode="decimal" prefix="¥" data-testid="risk-input-maxYuan" />, 'risk-field-maxYuan')}
              </RuleCard>
            </Col>
          </Row>
          {writable && (
            <Space style={{ marginTop: 16 }} wrap>
              <Form.Item name="note" noStyle>
                <Input placeholder={t('risk.rules.note')} maxLength={200} style={{ width: 280 }} data-testid="risk-rules-note" />
              </Form.Item>
              <Button type="primary" onClick={save} loading={running} data-testid="risk-rules-save">{t('risk.rules.save')}</Button>
            </Space>
          )}
        </Form>
      </Card>
      <Card title={t('risk.dry.title')} data-testid="risk-dry-run">
        <Typography.Paragraph type="secondary">{t('risk.dry.hint')}</Typography.Paragraph>
        <Space wrap style={{ marginBottom: 16 }}>
          <span>{t('risk.dry.days')}</span>
          <InputNumber min={1} max={90} precision={0} value={days} onChange={(v) => setDays(v ?? 7)} data-testid="risk-dry-days" />
          <Button onClick={dryRun} loading={running} data-testid="risk-dry-run-button">{t('risk.dry.run')}</Button>
        </Space>
        {dry && <DryRunResult answer={dry} />}
      </Card>
      <Card title={t('risk.rules.versions')} size="small">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={rules.data?.versions ?? []}
          columns={[
            { title: '#', dataIndex: 'id', width: 80 },
            { title: t('risk.rules.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
            { title: t('risk.col.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatDateTime(v) },
          ]}
        />
      </Card>
    </Space>
  );
}
