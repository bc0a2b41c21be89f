// The rules page's side column: changes waiting for a second approver, the version history, and the
// rules in force as JSON.
import { Card, Collapse, Table, Tag, Typography } from 'antd';
import { formatDateTime } from '../format';
import { useT } from '../i18n';
import type { RulesResponse } from '../types';
import { PendingRuleChanges } from './RuleChanges';

export function RulesSidebar({ rules, changesKey, onApplied }: { rules: RulesResponse | undefined; changesKey: number; onApplied: () => void }) {
  const t = useT();
  const current = rules?.current;
  return (
    <>
      <PendingRuleChanges refreshKey={changesKey} onApplied={onApplied} />
      <Card title={t('rules.versions')} size="small">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={rules?.versions ?? []}
          data-testid="rules-versions"
          columns={[
            { title: t('rules.version'), dataIndex: 'id', width: 70, render: (id: number) => (id === current?.id ? <Tag color="green">#{id}</Tag> : `#${id}`) },
            {
              title: t('rules.note'),
              dataIndex: 'note',
              render: (n: string | null, r) => (
                <div>
                  <div>{n || '—'}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(r.createdAt)} · {r.createdBy ? `#${r.createdBy}` : t('common.system')}
                  </Typography.Text>
                </div>
              ),
            },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
          {t('rules.versionsHint')}
        </Typography.Paragraph>
      </Card>
      {current && (
        <Collapse
          size="small"
          style={{ marginTop: 16 }}
          items={[{ key: 'json', label: t('rules.rawJson'), children: <pre style={{ fontSize: 12, margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(current.config, null, 2)}</pre> }]}
        />
      )}
    </>
  );
}
