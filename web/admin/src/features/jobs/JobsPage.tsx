// 定时任务: every periodic job with its schedule, last run (start, duration, outcome), last success and
// failure (with the error), and its runs and failures of the last 24 hours, across all instances.
// Reloads itself every 15 seconds.
import { Alert, Button, Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect } from 'react';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { JobsAnswer, JobStatus } from './types';

const RELOAD_MS = 15_000;

function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const OUTCOME_COLORS: Record<string, string> = { succeeded: 'success', failed: 'error', running: 'processing' };

export default function JobsPage() {
  const t = useFeatureT();
  const coreT = useT();
  const mobile = useIsMobile();
  const jobs = useApi<JobsAnswer>('/api/admin/jobs');
  const { reload } = jobs;
  useEffect(() => {
    const timer = setInterval(reload, RELOAD_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const answer = jobs.data;
  const title = (name: string) => {
    const label = t(`jobs.title.${name}`);
    return label === `jobs.title.${name}` ? name : label;
  };

  return (
    <Card title={t('jobs.nav')} extra={<Button onClick={reload} loading={jobs.loading} data-testid="jobs-refresh">{t('jobs.refresh')}</Button>}>
      {answer && (
        <Typography.Paragraph type="secondary">
          {t('jobs.hint', { first: answer.retry.firstDelaySeconds, max: answer.retry.maxDelaySeconds, limit: answer.retry.limit, tz: answer.timeZone })}
        </Typography.Paragraph>
      )}
      {answer && !answer.runnerHere && <Alert type="info" showIcon title={t('jobs.notHere')} style={{ marginBottom: 16 }} data-testid="jobs-not-here" />}
      {jobs.error && <Alert type="error" showIcon title={describeError(jobs.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<JobStatus>
        rowKey="name"
        loading={jobs.loading && !answer}
        dataSource={answer?.items ?? []}
        pagination={false}
        scroll={{ x: 1060 }}
        data-testid="jobs-table"
        onRow={(j) => ({ 'data-testid': `job-row-${j.name}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('jobs.name'),
            key: 'name',
            width: 240,
            fixed: mobile ? undefined : 'left',
            render: (_v, j) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{title(j.name)}</Typography.Text>
                <Typography.Text type="secondary" code>{j.name}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('jobs.schedule'),
            key: 'schedule',
            width: 150,
            render: (_v, j) => (j.schedule.kind === 'cron' ? t('jobs.cron', { cron: j.schedule.cron }) : t('jobs.every', { s: j.schedule.everySeconds })),
          },
          {
            title: t('jobs.lastRun'),
            key: 'lastRun',
            width: 210,
            render: (_v, j) =>
              j.lastRun ? (
                <Space orientation="vertical" size={0}>
                  <Tooltip title={t('jobs.instance', { instance: j.lastRun.instance })}>
                    <span>{formatDateTime(j.lastRun.startedAt)}</span>
                  </Tooltip>
                  {j.lastRun.outcome !== 'succeeded' && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`job-last-success-${j.name}`}>
                      {t('jobs.lastSuccessAt', { at: formatDateTime(j.lastSuccessAt) })}
                    </Typography.Text>
                  )}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('jobs.never')}</Typography.Text>
              ),
          },
          { title: t('jobs.duration'), key: 'duration', width: 90, align: 'right', render: (_v, j) => formatDuration(j.lastRun?.durationMs) },
          {
            title: t('jobs.outcome'),
            key: 'outcome',
            width: 150,
            render: (_v, j) =>
              j.lastRun ? (
                <Space size={4} wrap>
                  <Tag color={OUTCOME_COLORS[j.lastRun.outcome]} data-testid={`job-outcome-${j.name}`}>{t(`jobs.outcome.${j.lastRun.outcome}`)}</Tag>
                  {j.lastRun.attempt > 0 && <Typography.Text type="secondary">{t('jobs.attempt', { n: j.lastRun.attempt })}</Typography.Text>}
                </Space>
              ) : (
                '—'
              ),
          },
          {
            title: t('jobs.lastFailure'),
            key: 'lastFailure',
            width: 250,
            render: (_v, j) =>
              j.lastFailure ? (
                <Space orientation="vertical" size={0} data-testid={`job-failure-${j.name}`}>
                  <span>{formatDateTime(j.lastFailure.at)}</span>
                  <Tooltip title={j.lastFailure.error}>
                    <Typography.Text type="danger" ellipsis style={{ maxWidth: 230 }}>{j.lastFailure.error ?? '—'}</Typography.Text>
                  </Tooltip>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('jobs.noFailure')}</Typography.Text>
              ),
          },
          {
            title: t('jobs.recent'),
            key: 'recent',
            width: 130,
            align: 'right',
            render: (_v, j) => (
              <span data-testid={`job-recent-${j.name}`}>
                {j.recentRuns} / <Typography.Text type={j.recentFailures > 0 ? 'danger' : undefined}>{j.recentFailures}</Typography.Text>
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}
