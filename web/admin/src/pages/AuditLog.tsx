// 操作日志: every audited HQ action with actor, time, reason, and a before/after diff. Pages by beforeId.
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { JsonDiff } from '../components/JsonDiff';
import { formatDateTime } from '../format';
import { describeError } from '../hooks';
import { useT } from '../i18n';
import type { AuditEntry, Items } from '../types';

const PAGE = 50;

export default function AuditLogPage() {
  const t = useT();
  const [filters, setFilters] = useState<{ action?: string; targetType?: string; targetId?: string }>({});
  const [draft, setDraft] = useState<{ action?: string; targetType?: string; targetId?: string }>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (beforeId?: number) => {
    setLoading(true);
    setError(null);
    try {
      const res = await api.get<Items<AuditEntry>>('/api/admin/audit-log', { limit: PAGE, beforeId, ...filters });
      setItems((prev) => (beforeId ? [...prev, ...res.items] : res.items));
      setDone(res.items.length < PAGE);
    } catch (e) {
      setError(e instanceof ApiError ? e : String(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filters]);

  const clean = (s?: string) => (s && s.trim() ? s.trim() : undefined);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input placeholder={t('audit.action')} allowClear value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} onPressEnter={() => setFilters({ action: clean(draft.action), targetType: clean(draft.targetType), targetId: clean(draft.targetId) })} style={{ width: 200 }} data-testid="audit-filter-action" />
        <Input placeholder={t('audit.targetType')} allowClear value={draft.targetType} onChange={(e) => setDraft({ ...draft, targetType: e.target.value })} style={{ width: 160 }} />
        <Input placeholder={t('audit.targetId')} allowClear value={draft.targetId} onChange={(e) => setDraft({ ...draft, targetId: e.target.value })} style={{ width: 120 }} />
        <Button type="primary" onClick={() => setFilters({ action: clean(draft.action), targetType: clean(draft.targetType), targetId: clean(draft.targetId) })} data-testid="audit-search">
          {t('common.search')}
        </Button>
      </Space>
      {error !== null && <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} />}
      <Table<AuditEntry>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        data-testid="audit-table"
        expandable={{
          expandedRowRender: (r) => (
            <div style={{ maxWidth: 1100 }}>
              <JsonDiff before={r.before} after={r.after} />
            </div>
          ),
          rowExpandable: (r) => r.before != null || r.after != null,
        }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 70 },
          { title: t('common.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          { title: t('common.actor'), dataIndex: 'actorName', width: 140, render: (n: string | null, r) => (r.actorId ? `${n ?? ''} (#${r.actorId})` : t('common.system')) },
          { title: t('audit.action'), dataIndex: 'action', width: 220, render: (a: string) => (
            // the label; the action's code only as a tooltip (and data-action for tests)
            <Tag color="geekblue" title={a} data-testid="audit-action" data-action={a}>{t.maybe(`audit.actions.${a}`) ?? a}</Tag>
          ) },
          { title: t('audit.target'), key: 'target', width: 160, render: (_v, r) => `${r.targetType} #${r.targetId}` },
          { title: t('common.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
        ]}
      />
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        {done ? (
          <Typography.Text type="secondary">{items.length ? t('audit.end') : ''}</Typography.Text>
        ) : (
          <Button onClick={() => load(items[items.length - 1]?.id)} loading={loading} disabled={!items.length} data-testid="audit-more">
            {t('audit.more')}
          </Button>
        )}
      </div>
    </Card>
  );
}
