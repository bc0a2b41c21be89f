// 订货商: HQ authorises members as dealer shops (tier, optional upper dealer), edits or suspends them, and sees their stock.
import { Alert, Button, Card, Form, Input, Modal, Segmented, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { Items } from '../../types';
import { StockTable } from './shared';
import type { Dealer, DealerTier, StockRow } from './types';

interface DealerForm {
  memberId: number;
  shopName: string;
  tierId: number;
  upperDealerId: number | null;
  status: 'active' | 'suspended';
}

export default function ShopsPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const [status, setStatus] = useState<'active' | 'suspended' | 'all'>('all');
  const list = useApi<Items<Dealer>>('/api/admin/dealers', { status: status === 'all' ? undefined : status, limit: 100 });
  const all = useApi<Items<Dealer>>('/api/admin/dealers', { limit: 100 });
  const tiers = useApi<Items<DealerTier>>('/api/admin/dealer-tiers');
  const [editing, setEditing] = useState<Dealer | 'new' | null>(null);
  const [stockOf, setStockOf] = useState<Dealer | null>(null);
  const stock = useApi<Items<StockRow>>(stockOf ? `/api/admin/dealers/${stockOf.id}/stock` : null);
  const { run } = useRun();

  const save = async (v: DealerForm) => {
    const r = await run(
      () =>
        editing === 'new'
          ? api.post('/api/admin/dealers', { memberId: v.memberId, shopName: v.shopName.trim(), tierId: v.tierId, upperDealerId: v.upperDealerId ?? null })
          : api.patch(`/api/admin/dealers/${(editing as Dealer).id}`, { shopName: v.shopName.trim(), tierId: v.tierId, upperDealerId: v.upperDealerId ?? null, status: v.status }),
      { success: t('dealers.shop.saved') },
    );
    if (r === undefined) return false;
    list.reload();
    all.reload();
    return true;
  };

  const editingId = editing && editing !== 'new' ? editing.id : undefined;
  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="dealer-authorise">
            {t('dealers.shop.authorise')}
          </Button>
        )
      }
    >
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
        options={[
          { value: 'all', label: coreT('common.all') },
          { value: 'active', label: t('dealers.shop.status.active') },
          { value: 'suspended', label: t('dealers.shop.status.suspended') },
        ]}
        data-testid="dealers-status"
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<Dealer>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="dealers-table"
        onRow={(r) => ({ 'data-testid': `dealer-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: t('dealers.shop.name'), dataIndex: 'shopName', width: 150 },
          { title: t('dealers.shop.member'), key: 'm', width: 200, render: (_v, r) => `#${r.memberId} ${r.nickname} ${r.phone}` },
          { title: t('dealers.shop.tier'), dataIndex: 'tierName', width: 120 },
          { title: t('dealers.shop.upper'), dataIndex: 'upperShopName', width: 130, render: (v: string | null) => v ?? t('dealers.shop.none') },
          { title: t('common.status'), dataIndex: 'status', width: 90, render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`dealers.shop.status.${s}`)}</Tag> },
          { title: t('dealers.shop.stockUnits'), dataIndex: 'stockUnits', width: 100, align: 'right', render: (v: number, r) => <a onClick={() => setStockOf(r)} data-testid={`dealer-stock-${r.id}`}>{v}</a> },
          { title: coreT('common.time'), dataIndex: 'createdAt', width: 160, render: formatDateTime },
          {
            title: coreT('common.actions'),
            key: 'a',
            width: 90,
            render: (_v, r) =>
              writable && (
                <Button size="small" onClick={() => setEditing(r)} data-testid={`dealer-edit-${r.id}`}>
                  {t('dealers.shop.edit')}
                </Button>
              ),
          },
        ]}
      />
      <FormModal<DealerForm>
        open={editing !== null}
        title={editing === 'new' ? t('dealers.shop.authorise') : t('dealers.shop.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        testId="dealer-form"
        initialValues={editing && editing !== 'new' ? { shopName: editing.shopName, tierId: editing.tierId, upperDealerId: editing.upperDealerId, status: editing.status } : { upperDealerId: null }}
      >
        {editing === 'new' && (
          <Form.Item name="memberId" label={t('dealers.shop.member')} rules={[{ required: true }]}>
            <MemberSelect testId="dealer-member" />
          </Form.Item>
        )}
        <Form.Item name="shopName" label={t('dealers.shop.name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
          <Input data-testid="dealer-shop-name" />
        </Form.Item>
        <Form.Item name="tierId" label={t('dealers.shop.tier')} rules={[{ required: true }]}>
          <Select options={(tiers.data?.items ?? []).map((tier) => ({ value: tier.id, label: tier.name }))} data-testid="dealer-tier" />
        </Form.Item>
        <Form.Item name="upperDealerId" label={t('dealers.shop.upper')}>
          <Select
            allowClear
            options={[{ value: null as unknown as number, label: t('dealers.shop.none') }, ...(all.data?.items ?? []).filter((d) => d.id !== editingId).map((d) => ({ value: d.id, label: `#${d.id} ${d.shopName}` }))]}
            data-testid="dealer-upper"
          />
        </Form.Item>
        {editing !== 'new' && (
          <Form.Item name="status" label={coreT('common.status')}>
            <Select options={(['active', 'suspended'] as const).map((s) => ({ value: s, label: t(`dealers.shop.status.${s}`) }))} data-testid="dealer-status" />
          </Form.Item>
        )}
      </FormModal>
      <Modal open={stockOf !== null} onCancel={() => setStockOf(null)} footer={null} width={720} title={stockOf ? t('dealers.shop.stockTitle', { name: stockOf.shopName }) : ''}>
        <StockTable items={stock.data?.items ?? []} loading={stock.loading} testId="dealer-stock-table" />
      </Modal>
    </Card>
  );
}
