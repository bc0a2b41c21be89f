// 门店: HQ opens stores, adds staff, sees each store's figures, orders and bound customers, and moves
// a customer to another store with a reason (region protection: otherwise a customer stays with their store).
import { Alert, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal, ReasonField } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { BodyOf } from '../../../../shared/api';
import type { Items } from '../../types';
import { StoreCustomersTable, StoreOrdersTable, StoreSummaryCard } from './shared';
import type { Store, StoreCustomer, StoreOrder, StoreSummary } from './types';

/** the form's fields are the body of POST /api/admin/stores */
type StoreForm = BodyOf<'/api/admin/stores'>;

export default function StoresPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const stores = useApi<Items<Store>>('/api/admin/stores');
  const [creating, setCreating] = useState(false);
  const [staffOf, setStaffOf] = useState<Store | null>(null);
  const [rebinding, setRebinding] = useState(false);
  const [detail, setDetail] = useState<Store | null>(null);
  const summary = useApi<StoreSummary>(detail ? `/api/admin/stores/${detail.id}/summary` : null);
  const orders = useApi<Items<StoreOrder>>(detail ? `/api/admin/stores/${detail.id}/orders` : null, { limit: 50 });
  const customers = useApi<Items<StoreCustomer>>(detail ? `/api/admin/stores/${detail.id}/customers` : null, { limit: 100 });
  const { run } = useRun();
  const list = stores.data?.items ?? [];

  const create = async (v: StoreForm) => {
    const r = await run(() => api.post('/api/admin/stores', { ...v, phone: v.phone || null, openingHours: v.openingHours || undefined }), { success: t('channels.saved') });
    if (r === undefined) return false;
    stores.reload();
    return true;
  };
  const addStaff = async (v: { memberId: number; role: 'manager' | 'clerk' }) => {
    const r = await run(() => api.post(`/api/admin/stores/${staffOf!.id}/staff`, v), { success: t('channels.saved') });
    return r !== undefined;
  };
  const rebind = async (v: { memberId: number; storeId: number; reason: string }) => {
    const r = await run(() => api.post(`/api/admin/store-customers/${v.memberId}/rebind`, { storeId: v.storeId, reason: v.reason.trim() }), { success: t('channels.saved') });
    if (r === undefined) return false;
    customers.reload();
    summary.reload();
    return true;
  };

  return (
    <Card
      title={t('channels.storesNav')}
      extra={
        writable && (
          <Space>
            <Button onClick={() => setRebinding(true)} data-testid="store-rebind-open">{t('channels.store.rebind')}</Button>
            <Button type="primary" onClick={() => setCreating(true)} data-testid="store-new">{t('channels.store.new')}</Button>
          </Space>
        )
      }
    >
      {stores.error && <Alert type="error" showIcon title={describeError(stores.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<Store>
        rowKey="id"
        loading={stores.loading}
        dataSource={list}
        scroll={{ x: 900 }}
        data-testid="stores-table"
        columns={[
          { title: 'ID', dataIndex: 'id', width: 60 },
          { title: t('channels.store.name'), dataIndex: 'name' },
          { title: t('channels.store.region'), dataIndex: 'regionCode' },
          { title: t('channels.store.address'), dataIndex: 'address' },
          { title: t('channels.store.hours'), dataIndex: 'openingHours' },
          { title: t('channels.store.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'open' ? 'green' : 'default'}>{t(`channels.store.${s}`)}</Tag> },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, r) => (
              <Space>
                <a onClick={() => setDetail(r)} data-testid={`store-detail-${r.id}`}>{t('channels.store.detail')}</a>
                {writable && <a onClick={() => setStaffOf(r)}>{t('channels.store.addStaff')}</a>}
              </Space>
            ),
          },
        ]}
      />

      <FormModal<StoreForm> open={creating} title={t('channels.store.new')} onClose={() => setCreating(false)} onSubmit={create} testId="store-form">
        <Form.Item name="name" label={t('channels.store.name')} rules={[{ required: true, max: 50 }]}><Input /></Form.Item>
        <Form.Item name="regionCode" label={t('channels.store.region')} rules={[{ required: true, pattern: /^\d{6}$/ }]}><Input maxLength={6} /></Form.Item>
        <Form.Item name="address" label={t('channels.store.address')} rules={[{ required: true, max: 200 }]}><Input /></Form.Item>
        <Space>
          <Form.Item name="latitude" label={t('channels.store.latitude')} rules={[{ required: true }]}><InputNumber min={-90} max={90} step={0.0001} /></Form.Item>
          <Form.Item name="longitude" label={t('channels.store.longitude')} rules={[{ required: true }]}><InputNumber min={-180} max={180} step={0.0001} /></Form.Item>
        </Space>
        <Form.Item name="openingHours" label={t('channels.store.hours')}><Input placeholder="09:00-21:00" /></Form.Item>
        <Form.Item name="phone" label={t('channels.store.phone')}><Input maxLength={20} /></Form.Item>
      </FormModal>

      <FormModal<{ memberId: number; role: 'manager' | 'clerk' }> open={staffOf !== null} title={`${t('channels.store.addStaff')} · ${staffOf?.name ?? ''}`} onClose={() => setStaffOf(null)} onSubmit={addStaff} initialValues={{ role: 'clerk' }}>
        <Form.Item name="memberId" label={t('channels.customer.member')} rules={[{ required: true }]}><MemberSelect /></Form.Item>
        <Form.Item name="role" label={t('channels.store.role')}>
          <Select options={[{ value: 'manager', label: t('channels.store.manager') }, { value: 'clerk', label: t('channels.store.clerk') }]} />
        </Form.Item>
      </FormModal>

      <FormModal<{ memberId: number; storeId: number; reason: string }> open={rebinding} title={t('channels.store.rebind')} onClose={() => setRebinding(false)} onSubmit={rebind} testId="store-rebind-form">
        <Form.Item name="memberId" label={t('channels.customer.member')} rules={[{ required: true }]}><MemberSelect /></Form.Item>
        <Form.Item name="storeId" label={t('channels.store.newStore')} rules={[{ required: true }]}>
          <Select options={list.map((s) => ({ value: s.id, label: `#${s.id} ${s.name}` }))} data-testid="store-rebind-store" />
        </Form.Item>
        <ReasonField />
      </FormModal>

      <Drawer open={detail !== null} onClose={() => setDetail(null)} size="large" title={detail?.name} data-testid="store-drawer">
        {detail && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <StoreSummaryCard summary={summary.data} />
            <Tabs
              items={[
                { key: 'orders', label: t('channels.store.orders'), children: <StoreOrdersTable items={orders.data?.items ?? []} storeId={detail.id} loading={orders.loading} /> },
                { key: 'customers', label: t('channels.store.customers'), children: <StoreCustomersTable items={customers.data?.items ?? []} loading={customers.loading} /> },
              ]}
            />
          </Space>
        )}
      </Drawer>
    </Card>
  );
}
