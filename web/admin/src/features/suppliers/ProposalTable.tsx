// A table of product proposals with their SKUs and HQ's review; shared by the supplier's and HQ's screens.
import { Table, Tag, Typography } from 'antd';
import { formatDateTime } from '../../format';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import type { Proposal } from './types';

/** Proposals with their SKUs and review; HQ's review page adds actions through `actions`. */
export function ProposalTable({ items, loading, testId, showSupplier, actions }: { items: Proposal[]; loading: boolean; testId: string; showSupplier?: boolean; actions?: (p: Proposal) => React.ReactNode }) {
  const ft = useFeatureT();
  const t = useT();
  const color = { pending: 'gold', approved: 'success', rejected: 'error' } as const;
  return (
    <Table<Proposal>
      rowKey="id"
      loading={loading}
      dataSource={items}
      scroll={{ x: 900 }}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid={testId}
      onRow={(r) => ({ 'data-testid': `proposal-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: 'ID', dataIndex: 'id', width: 60 },
        ...(showSupplier ? [{ title: ft('suppliers.company'), dataIndex: 'companyName', width: 140 }] : []),
        { title: ft('suppliers.productTitle'), dataIndex: 'title', render: (v: string, p) => (<div><div>{v}</div>{p.description && <Typography.Text type="secondary" ellipsis style={{ maxWidth: 280, fontSize: 12 }}>{p.description}</Typography.Text>}</div>) },
        {
          title: ft('suppliers.skus'),
          key: 'skus',
          render: (_v, p) => (
            <div style={{ fontSize: 12 }}>
              {p.skus.map((s) => (
                <div key={s.name}>{ft('suppliers.skuLine', { name: s.name, retail: formatFen(s.retailPriceFen), supply: formatFen(s.supplyPriceFen), stock: s.stock })}</div>
              ))}
            </div>
          ),
        },
        {
          title: t('common.status'),
          dataIndex: 'status',
          width: 200,
          render: (s: Proposal['status'], p) => (
            <div>
              <Tag color={color[s]}>{ft(`suppliers.proposal.${s}`)}</Tag>
              {p.rejectReason && <div style={{ fontSize: 12 }} data-testid={`proposal-reason-${p.id}`}>{p.rejectReason}</div>}
              {p.productId && <div style={{ fontSize: 12 }}>{ft('suppliers.productId', { id: p.productId })}</div>}
            </div>
          ),
        },
        { title: ft('suppliers.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
        ...(actions ? [{ title: t('common.actions'), key: 'a', width: 170, render: (_v: unknown, p: Proposal) => actions(p) }] : []),
      ]}
    />
  );
}
