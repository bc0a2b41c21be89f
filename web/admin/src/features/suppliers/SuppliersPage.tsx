// 供应商 (HQ): supplier accounts — the member they sign in as, platform fee, status — with their
// products, pending proposals and what their settlements hold. Owner and operator create and edit.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { bpToPercentText, formatBp, formatFen, parsePercentToBp } from '../../../../shared/money';
import type { Items } from '../../types';
import type { SupplierRow, SupplierStatus } from './types';

interface SupplierForm {
  memberId?: number;
  companyName: string;
  contactName?: string;
  contactPhone?: string;
  feePercent: string;
  status: SupplierStatus;
}

export default function SuppliersPage() {
  const ft = useFeatureT();
  const t = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const [status, setStatus] = useState<SupplierStatus | 'all'>('all');
  const list = useApi<Items<SupplierRow>>('/api/admin/suppliers', { status: status === 'all' ? undefined : status, limit: 100 });
  const [editing, setEditing] = useState<SupplierRow | 'new' | null>(null);
  const { run } = useRun();

  const save = async (v: SupplierForm) => {
    // percent text with up to two decimals → basis points, on the digits (never through a float)
    const platformFeeBp = parsePercentToBp(v.feePercent)!;
    const body = { companyName: v.companyName.trim(), contactName: v.contactName?.trim() ?? '', contactPhone: v.contactPhone?.trim() ?? '', platformFeeBp, status: v.status };
    const ok = await run(() => (editing === 'new' ? api.post('/api/admin/suppliers', { ...body, memberId: v.memberId }) : api.patch(`/api/admin/suppliers/${(editing as SupplierRow).id}`, body)), { success: t('common.saved') });
    if (ok === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card
      title={ft('suppliers.nav.suppliers')}
      extra={
        writable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="supplier-create">
            {ft('suppliers.create')}
          </Button>
        )
      }
    >
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[{ value: 'all', label: t('common.all') }, { value: 'active', label: ft('suppliers.status.active') }, { value: 'suspended', label: ft('suppliers.status.suspended') }]}
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, t)} style={{ marginBottom: 16 }} />}
      <Table<SupplierRow>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1300 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="suppliers-table"
        onRow={(r) => ({ 'data-testid': `supplier-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: ft('suppliers.company'), dataIndex: 'companyName', width: 160 },
          { title: ft('suppliers.member'), key: 'member', width: 200, render: (_v, r) => `${r.memberNickname} #${r.memberId} ${r.memberPhone}` },
          { title: ft('suppliers.contact'), key: 'contact', width: 170, render: (_v, r) => [r.contactName, r.contactPhone].filter(Boolean).join(' ') || '—' },
          { title: ft('suppliers.fee'), dataIndex: 'platformFeeBp', width: 90, align: 'right', render: (v: number) => formatBp(v) },
          { title: ft('suppliers.products'), dataIndex: 'productCount', width: 80, align: 'right' },
          { title: ft('suppliers.pendingProposals'), dataIndex: 'pendingProposals', width: 90, align: 'right', render: (v: number) => (v ? <Tag color="gold">{v}</Tag> : 0) },
          { title: ft('suppliers.state.pending'), dataIndex: 'pendingFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: ft('suppliers.state.frozen'), dataIndex: 'frozenFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: ft('suppliers.state.available'), dataIndex: 'availableFen', width: 110, align: 'right', render: (v: number) => formatFen(v) },
          { title: t('common.status'), dataIndex: 'status', width: 90, render: (v: SupplierStatus) => <Tag color={v === 'active' ? 'success' : 'default'}>{ft(`suppliers.status.${v}`)}</Tag> },
          { title: ft('suppliers.createdAt'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
          ...(writable
            ? [{ title: t('common.actions'), key: 'a', width: 80, render: (_v: unknown, r: SupplierRow) => <Button type="link" size="small" onClick={() => setEditing(r)} data-testid={`supplier-edit-${r.id}`}>{t('common.edit')}</Button> }]
            : []),
        ]}
      />
      <FormModal<SupplierForm>
        open={editing !== null}
        title={editing === 'new' ? ft('suppliers.create') : ft('suppliers.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        testId="supplier-form"
        initialValues={
          editing === 'new'
            ? { feePercent: '5', status: 'active' }
            : editing
              ? { companyName: editing.companyName, contactName: editing.contactName, contactPhone: editing.contactPhone, feePercent: bpToPercentText(editing.platformFeeBp), status: editing.status }
              : undefined
        }
      >
        {editing === 'new' && (
          <Form.Item name="memberId" label={ft('suppliers.member')} extra={ft('suppliers.memberHint')} rules={[{ required: true }]}>
            <MemberSelect testId="supplier-member" />
          </Form.Item>
        )}
        <Form.Item name="companyName" label={ft('suppliers.company')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input maxLength={100} data-testid="supplier-company" />
        </Form.Item>
        <Form.Item name="contactName" label={ft('suppliers.contactName')} rules={[{ max: 30 }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="contactPhone" label={ft('suppliers.contactPhone')} rules={[{ max: 20 }]}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item
          name="feePercent"
          label={ft('suppliers.feePercent')}
          extra={ft('suppliers.feeHint')}
          rules={[
            {
              validator: (_r, v: string | undefined) => {
                const bp = parsePercentToBp(String(v ?? ''));
                return bp !== null && bp >= 0 && bp <= 10_000 ? Promise.resolve() : Promise.reject(new Error(ft('suppliers.badPercent')));
              },
            },
          ]}
        >
          <Input suffix="%" style={{ width: 160 }} data-testid="supplier-fee" />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Select options={[{ value: 'active', label: ft('suppliers.status.active') }, { value: 'suspended', label: ft('suppliers.status.suspended') }]} />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
