// 会员等级: HQ's levels (growth threshold, member price) with the members at each; add, edit, delete.
import { Alert, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, request } from '../../api';
import { useAuth } from '../../auth';
import { FormModal } from '../../components/FormModal';
import { formatInt } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { bpToPercentText, parsePercentToBp } from '../../../../shared/money';
import type { Items } from '../../types';
import { zheText } from './CouponTemplatesPage';
import type { MemberLevel } from './types';

interface LevelForm {
  name: string;
  growthThreshold: number;
  pricePercent: string;
}

export default function MemberLevelsPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'operator';
  const list = useApi<Items<MemberLevel>>('/api/admin/member-levels');
  const [editing, setEditing] = useState<MemberLevel | 'new' | null>(null);
  const { run } = useRun();

  const save = async (v: LevelForm) => {
    const body = { name: v.name.trim(), growthThreshold: v.growthThreshold, memberPriceBp: parsePercentToBp(v.pricePercent) };
    const r = await run(() => (editing === 'new' ? api.post('/api/admin/member-levels', body) : api.put(`/api/admin/member-levels/${(editing as MemberLevel).id}`, body)), {
      success: t('promotions.levels.saved'),
    });
    if (r === undefined) return false;
    list.reload();
    return true;
  };

  const remove = async (level: MemberLevel) => {
    const r = await run(() => request('DELETE', `/api/admin/member-levels/${level.id}`), { success: t('promotions.levels.deleted') });
    if (r !== undefined) list.reload();
  };

  const priceText = (bp: number) => (bp >= 10_000 ? t('promotions.levels.noDiscount') : t('promotions.levels.discountText', { zhe: zheText(bp), pct: bpToPercentText(bp) }));

  return (
    <Card
      extra={
        writable && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="level-create">
            {t('promotions.levels.create')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('promotions.levels.hint')}</Typography.Paragraph>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <Table<MemberLevel>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="member-levels-table"
        onRow={(r) => ({ 'data-testid': `member-level-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('promotions.levels.name'), dataIndex: 'name' },
          { title: t('promotions.levels.threshold'), dataIndex: 'growthThreshold', align: 'right', render: (v: number) => formatInt(v) },
          { title: t('promotions.levels.memberPrice'), dataIndex: 'memberPriceBp', render: priceText },
          { title: t('promotions.levels.members'), dataIndex: 'members', align: 'right', render: (v: number, r) => <span data-testid={`member-level-members-${r.id}`}>{formatInt(v)}</span> },
          {
            title: '',
            key: 'a',
            width: 150,
            render: (_v, r) =>
              writable && (
                <Space>
                  <Button size="small" onClick={() => setEditing(r)} data-testid={`member-level-edit-${r.id}`}>
                    {t('promotions.levels.edit')}
                  </Button>
                  <Popconfirm title={t('promotions.levels.deleteConfirm')} onConfirm={() => remove(r)}>
                    <Button size="small" danger data-testid={`member-level-delete-${r.id}`}>
                      ✕
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <FormModal<LevelForm>
        open={editing !== null}
        title={t(editing === 'new' ? 'promotions.levels.create' : 'promotions.levels.edit')}
        onClose={() => setEditing(null)}
        onSubmit={save}
        initialValues={
          editing && editing !== 'new'
            ? { name: editing.name, growthThreshold: editing.growthThreshold, pricePercent: bpToPercentText(editing.memberPriceBp) }
            : { growthThreshold: 0, pricePercent: '100' }
        }
        testId="level-form"
      >
        <Form.Item name="name" label={t('promotions.levels.name')} rules={[{ required: true, max: 30 }]}>
          <Input data-testid="level-name" />
        </Form.Item>
        <Form.Item name="growthThreshold" label={t('promotions.levels.threshold')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={0} style={{ width: 200 }} data-testid="level-threshold" />
        </Form.Item>
        <Form.Item
          name="pricePercent"
          label={t('promotions.levels.pricePercent')}
          rules={[
            { required: true },
            {
              validator: (_: unknown, v?: string) => {
                const bp = v ? parsePercentToBp(v) : null;
                return bp !== null && bp >= 1_000 && bp <= 10_000 ? Promise.resolve() : Promise.reject(new Error(t('promotions.coupons.invalidPercent')));
              },
            },
          ]}
        >
          <Input suffix="%" data-testid="level-price" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
