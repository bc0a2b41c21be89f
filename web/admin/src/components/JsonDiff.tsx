// Before/after of an audited change, flattened to paths: what was added, removed or changed.
import { Switch, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useT } from '../i18n';

type Flat = Map<string, unknown>;

function flatten(value: unknown, prefix: string, out: Flat): Flat {
  if (value !== null && typeof value === 'object' && !(Array.isArray(value) && value.length === 0) && !(Object.keys(value).length === 0)) {
    if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
    else for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix || '(value)', value);
  }
  return out;
}

export type DiffKind = 'added' | 'removed' | 'changed' | 'same';

export interface DiffRow {
  path: string;
  before: unknown;
  after: unknown;
  kind: DiffKind;
}

export function diffJson(before: unknown, after: unknown): DiffRow[] {
  const a = flatten(before ?? null, '', new Map());
  const b = flatten(after ?? null, '', new Map());
  if (before == null) a.clear();
  if (after == null) b.clear();
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.map((path) => {
    const hasA = a.has(path);
    const hasB = b.has(path);
    const va = a.get(path);
    const vb = b.get(path);
    const kind: DiffKind = !hasA ? 'added' : !hasB ? 'removed' : JSON.stringify(va) === JSON.stringify(vb) ? 'same' : 'changed';
    return { path, before: va, after: vb, kind };
  });
}

const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));
const COLORS: Record<DiffKind, string | undefined> = { added: '#f6ffed', removed: '#fff1f0', changed: '#fffbe6', same: undefined };

export function JsonDiff({ before, after }: { before: unknown; after: unknown }) {
  const t = useT();
  const [all, setAll] = useState(false);
  const rows = useMemo(() => diffJson(before, after), [before, after]);
  const shown = all ? rows : rows.filter((r) => r.kind !== 'same');
  return (
    <div data-testid="json-diff">
      <div style={{ marginBottom: 8, display: 'flex', gap: 8, alignItems: 'center' }}>
        <Switch size="small" checked={all} onChange={setAll} />
        <Typography.Text type="secondary">{t('audit.showUnchanged', { n: rows.length - rows.filter((r) => r.kind !== 'same').length })}</Typography.Text>
      </div>
      <Table<DiffRow>
        size="small"
        rowKey="path"
        pagination={false}
        dataSource={shown}
        scroll={{ x: 600 }}
        onRow={(r) => ({ style: { background: COLORS[r.kind] } })}
        columns={[
          { title: t('audit.path'), dataIndex: 'path', width: 260, render: (p: string) => <Typography.Text code>{p}</Typography.Text> },
          { title: t('audit.before'), dataIndex: 'before', render: (v: unknown, r) => <span style={{ textDecoration: r.kind === 'changed' || r.kind === 'removed' ? 'line-through' : undefined, color: r.kind === 'same' ? undefined : '#a8071a', wordBreak: 'break-all' }}>{show(v)}</span> },
          { title: t('audit.after'), dataIndex: 'after', render: (v: unknown, r) => <span style={{ color: r.kind === 'same' ? undefined : '#237804', wordBreak: 'break-all' }}>{show(v)}</span> },
        ]}
        locale={{ emptyText: t('audit.noChanges') }}
      />
    </div>
  );
}
