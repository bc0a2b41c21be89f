// 等级与分组: distributor tiers (name, rank) and groups.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { FormModal } from '../components/FormModal';
import { describeError, useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import type { Group, Items, Tier } from '../types';

export default function TiersGroupsPage() {
  const t = useT();
  const { can } = useAuth();
  const writable = can('members.write');
  const tiers = useApi<Items<Tier>>('/api/admin/tiers');
  const groups = useApi<Items<Group>>('/api/admin/groups');
  const [editing, setEditing] = useState<Tier | 'new' | null>(null);
  const [newGroup, setNewGroup] = useState(false);
  const { run } = useRun();

  const nextTierId = Math.max(0, ...(tiers.data?.items ?? []).map((x) => x.id)) + 1;

  const saveTier = async (v: { id: number; name: string; rank: number }) => {
    const id = editing === 'new' ? v.id : (editing as Tier).id;
    const ok = await run(() => api.put(`/api/admin/tiers/${id}`, { name: v.name.trim(), rank: v.rank }), { success: t('common.saved') });
    if (ok === undefined) return false;
    tiers.reload();
    return true;
  };

  const createGroup = async (v: { name: string }) => {
    const ok = await run(() => api.post('/api/admin/groups', { name: v.name.trim() }), { success: t('common.saved') });
    if (ok === undefined) return false;
    groups.reload();
    return true;
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card
          title={t('tiers.tiers')}
          extra={writable && <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="tier-add">{t('tiers.addTier')}</Button>}
        >
          <Typography.Paragraph type="secondary">{t('tiers.tiersHint')}</Typography.Paragraph>
          {tiers.error && <Alert type="error" showIcon title={describeError(tiers.error, t)} style={{ marginBottom: 12 }} />}
          <Table<Tier>
            rowKey="id"
            size="small"
            loading={tiers.loading}
            dataSource={tiers.data?.items ?? []}
            pagination={false}
            data-testid="tiers-table"
            columns={[
              { title: 'ID', dataIndex: 'id', width: 70 },
              { title: t('tiers.name'), dataIndex: 'name' },
              { title: t('tiers.rank'), dataIndex: 'rank', width: 90 },
              ...(writable
                ? [{ title: t('common.actions'), key: 'a', width: 90, render: (_v: unknown, r: Tier) => <Button type="link" size="small" onClick={() => setEditing(r)} data-testid={`tier-edit-${r.id}`}>{t('common.edit')}</Button> }]
                : []),
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t('tiers.groups')} extra={writable && <Button icon={<PlusOutlined />} onClick={() => setNewGroup(true)} data-testid="group-add">{t('tiers.addGroup')}</Button>}>
          {groups.error && <Alert type="error" showIcon title={describeError(groups.error, t)} style={{ marginBottom: 12 }} />}
          <Table<Group>
            rowKey="id"
            size="small"
            loading={groups.loading}
            dataSource={groups.data?.items ?? []}
            pagination={false}
            data-testid="groups-table"
            columns={[
              { title: 'ID', dataIndex: 'id', width: 70 },
              { title: t('tiers.name'), dataIndex: 'name' },
            ]}
          />
        </Card>
      </Col>
      <FormModal<{ id: number; name: string; rank: number }>
        open={editing !== null}
        title={editing === 'new' ? t('tiers.addTier') : t('tiers.editTier')}
        onClose={() => setEditing(null)}
        onSubmit={saveTier}
        initialValues={editing === 'new' ? { id: nextTierId, rank: nextTierId } : editing ? editing : undefined}
        testId="tier-form"
      >
        {editing === 'new' && (
          <Form.Item name="id" label="ID" rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('tiers.name')} rules={[{ required: true, whitespace: true }, { max: 30 }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="rank" label={t('tiers.rank')} rules={[{ required: true }]} extra={t('tiers.rankHint')}>
          <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </FormModal>
      <FormModal<{ name: string }> open={newGroup} title={t('tiers.addGroup')} onClose={() => setNewGroup(false)} onSubmit={createGroup} testId="group-form">
        <Form.Item name="name" label={t('tiers.name')} rules={[{ required: true, whitespace: true }, { max: 30 }]}>
          <Input maxLength={30} />
        </Form.Item>
      </FormModal>
    </Row>
  );
}
