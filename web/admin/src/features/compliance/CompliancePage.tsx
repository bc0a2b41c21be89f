// 合规报告: the rule version and commission levels in force, what crosses the compliance line with no override,
// every override with who and when, and the money paid in a period per metric (cash and non-cash), with the
// report as an Excel download (src/http/routes/compliance.ts).
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Descriptions, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { download } from '../../api';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { ComplianceFinding, ComplianceOverride, ComplianceReport } from './types';

type Money = ComplianceReport['money'];

export default function CompliancePage() {
  const t = useFeatureT();
  const coreT = useT();
  const { run } = useRun();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(29, 'day'), dayjs()]);
  const query = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const report = useApi<ComplianceReport>('/api/admin/compliance/report', query);
  const r = report.data;
  const save = () => run(() => download('/api/admin/compliance/report/export', { ...query, lang: coreT.locale }, `compliance-report-${query.from}-${query.to}.xlsx`), { success: t('compliance.downloaded') });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="compliance-report">
      <Card
        title={t('compliance.nav')}
        extra={
          <Space wrap>
            <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])} data-testid="compliance-range" />
            <Button icon={<DownloadOutlined />} onClick={save} disabled={!r} data-testid="compliance-download">
              {t('compliance.download')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('compliance.hint')}</Typography.Paragraph>
        {report.error && <Alert type="error" showIcon title={describeError(report.error, coreT)} />}
        {r && <RulesInForce report={r} />}
      </Card>
      {r && <Findings findings={r.findings} />}
      {r && <Overrides overrides={r.overrides} />}
      {r && <MoneyPaid money={r.money} />}
    </Space>
  );
}

function RulesInForce({ report: r }: { report: ComplianceReport }) {
  const t = useFeatureT();
  const c = r.commission;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} data-testid="compliance-rules">
        <Descriptions.Item label={t('compliance.version.id')}>#{r.ruleVersion.id}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.version.at')}>{formatDateTime(r.ruleVersion.createdAt)} · {r.ruleVersion.createdByName ?? t('compliance.version.system')}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.levels')}>{c.levels}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.levelsOverride')}>{c.levelsOverride ? c.levelsOverride.reason : t('compliance.none')}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.selfPurchase')}>{c.selfPurchase ? t('compliance.on') : t('compliance.off')}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.cap')}>{formatBp(c.capBp)}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.freezeDays')}>{t('compliance.days', { n: c.freezeDays })}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.distributorMode')}>{t(`rules.distributorMode.${r.distributorMode}`)}</Descriptions.Item>
        <Descriptions.Item label={t('compliance.recruitingCash')}>
          <Space orientation="vertical" size={0}>
            <Typography.Text strong type={r.money.recruitingCashFen > 0 ? 'warning' : undefined} data-testid="compliance-recruiting-cash">{formatFen(r.money.recruitingCashFen)}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('compliance.recruitingCashHint')}</Typography.Text>
          </Space>
        </Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="tierId"
        size="small"
        pagination={false}
        title={() => t('compliance.tierRates')}
        dataSource={c.tierRates}
        data-testid="compliance-tier-rates"
        columns={[
          { title: t('compliance.tier'), key: 'tier', render: (_v, tier) => tier.tierName ?? `#${tier.tierId}` },
          ...Array.from({ length: c.levels }, (_x, i) => ({ title: t('compliance.levelN', { n: i + 1 }), key: `l${i}`, align: 'right' as const, render: (_v: unknown, tier: { ratesBp: number[] }) => formatBp(tier.ratesBp[i] ?? 0) })),
        ]}
      />
    </Space>
  );
}

function Findings({ findings }: { findings: ComplianceFinding[] }) {
  const t = useFeatureT();
  return (
    <Card title={t('compliance.findings')} data-testid="compliance-findings">
      {findings.length === 0 ? (
        <Alert type="success" showIcon title={t('compliance.findings.none')} />
      ) : (
        <Table<ComplianceFinding>
          rowKey={(f) => `${f.area}-${f.id}`}
          size="small"
          pagination={false}
          dataSource={findings}
          columns={[
            { title: t('compliance.object'), key: 'area', render: (_v, f) => `${t(`compliance.area.${f.area}`)} #${f.id}` },
            { title: t('compliance.name'), dataIndex: 'name' },
            { title: t('compliance.issue'), dataIndex: 'code', render: (v: string) => <Tag color="red">{t(`compliance.code.${v}`)}</Tag> },
            { title: t('compliance.field'), dataIndex: 'field', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('compliance.effect'), dataIndex: 'effect', render: (v: string) => t(`compliance.effect.${v}`) },
          ]}
        />
      )}
    </Card>
  );
}

function Overrides({ overrides }: { overrides: ComplianceOverride[] }) {
  const t = useFeatureT();
  return (
    <Card title={t('compliance.overrides')}>
      <Table<ComplianceOverride>
        rowKey="auditId"
        size="small"
        pagination={false}
        dataSource={overrides}
        locale={{ emptyText: t('compliance.overrides.none') }}
        data-testid="compliance-overrides"
        columns={[
          { title: t('compliance.at'), dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v) },
          { title: t('compliance.action'), dataIndex: 'action', render: (v: string) => <Tag color="orange">{t(`compliance.action.${v}`)}</Tag> },
          { title: t('compliance.target'), key: 'target', render: (_v, o) => `${o.targetType} #${o.targetId ?? ''}` },
          { title: t('compliance.by'), key: 'by', render: (_v, o) => o.actorName ?? (o.actorId === null ? t('compliance.version.system') : `#${o.actorId}`) },
          { title: t('compliance.reason'), dataIndex: 'reason' },
        ]}
      />
    </Card>
  );
}

function MoneyPaid({ money: m }: { money: Money }) {
  const t = useFeatureT();
  const empty = { emptyText: t('compliance.empty') };
  const figures = [
    { title: t('compliance.count'), dataIndex: 'earnings', align: 'right' as const },
    { title: t('compliance.amount'), dataIndex: 'amountFen', align: 'right' as const, render: (v: number) => formatFen(v) },
    { title: t('compliance.reversed'), dataIndex: 'reversedFen', align: 'right' as const, render: (v: number) => formatFen(v) },
    { title: t('compliance.net'), dataIndex: 'netFen', align: 'right' as const, render: (v: number) => <Typography.Text strong>{formatFen(v)}</Typography.Text> },
  ];
  return (
    <Card title={t('compliance.money')} data-testid="compliance-money">
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Table rowKey="level" size="small" pagination={false} locale={empty} title={() => t('compliance.commissionByLevel')} dataSource={m.commissionByLevel} columns={[{ title: t('compliance.level'), dataIndex: 'level', render: (v: number) => t('compliance.levelN', { n: v }) }, ...figures]} />
        <Table rowKey="kind" size="small" pagination={false} locale={empty} title={() => t('compliance.earningsByKind')} dataSource={m.earningsByKind} columns={[{ title: t('compliance.kind'), dataIndex: 'kind', render: (v: string) => t(`enum.earningKind.${v}`) }, ...figures]} />
        <Table
          rowKey="metric"
          size="small"
          pagination={false}
          locale={empty}
          title={() => t('compliance.contestPrizes')}
          dataSource={m.contestPrizes}
          data-testid="compliance-contest-prizes"
          columns={[
            { title: t('compliance.metric'), dataIndex: 'metric', render: (v: string) => t(`compliance.metric.${v}`) },
            { title: t('compliance.cash'), dataIndex: 'cashFen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('compliance.withheld'), dataIndex: 'withheldFen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('compliance.points'), dataIndex: 'points', align: 'right' },
            { title: t('compliance.honours'), dataIndex: 'honours', align: 'right' },
          ]}
        />
        <Descriptions size="small" bordered title={t('compliance.agentReferral')} column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('compliance.cash')}>{formatFen(m.agentReferral.cashFen)} · {t('compliance.count')} {m.agentReferral.cashAwards}</Descriptions.Item>
          <Descriptions.Item label={t('compliance.points')}>{m.agentReferral.points} · {t('compliance.count')} {m.agentReferral.pointsAwards}</Descriptions.Item>
        </Descriptions>
        <Table rowKey="code" size="small" pagination={false} locale={empty} title={() => t('compliance.awards')} dataSource={m.awardsByCode} columns={[{ title: t('compliance.code'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> }, { title: t('compliance.count'), dataIndex: 'awards', align: 'right' }, { title: t('compliance.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) }]} />
        <Table
          rowKey="tierId"
          size="small"
          pagination={false}
          locale={empty}
          title={() => t('compliance.tierUpgrades')}
          dataSource={m.tierUpgrades}
          columns={[
            { title: t('compliance.tier'), key: 'tier', render: (_v, u) => u.tierName ?? `#${u.tierId}` },
            { title: t('compliance.automatic'), dataIndex: 'automatic', align: 'right' },
            { title: t('compliance.manual'), dataIndex: 'manual', align: 'right' },
          ]}
        />
      </Space>
    </Card>
  );
}
