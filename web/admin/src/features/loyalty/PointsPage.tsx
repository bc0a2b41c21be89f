// 积分设置与流水: HQ's points rules (per yuan, sign-in, note reward) and the points ledger search,
// with a manual adjustment (reason, audited).
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { FormModal, ReasonField } from '../../components/FormModal';
import { MemberSelect } from '../../components/MemberSelect';
import { formatDateTime } from '../../format';
import { describeError, useApi, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { newIdempotencyKey, parseYuanToFen } from '../../../../shared/money';
import { POINTS_REASONS, useLoyaltyWritable, type LoyaltySettings, type PointsReason, type PointsTransaction } from './shared';

type SettingsForm = Omit<LoyaltySettings, 'noteRewardCashFen'> & { noteRewardCashYuan: string };

export default function PointsPage() {
  const ft = useFeatureT();
  const t = useT();
  const writable = useLoyaltyWritable();
  const { run, running } = useRun();
  const settings = useApi<LoyaltySettings>('/api/admin/loyalty/settings');
  const [form] = Form.useForm<SettingsForm>();
  const [memberId, setMemberId] = useState<number | null>(null);
  const [reason, setReason] = useState<PointsReason | undefined>();
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const ledger = useApi<{ total: number; items: PointsTransaction[] }>('/api/admin/loyalty/points-transactions', { memberId, reason, limit: pageSize, offset: (page - 1) * pageSize });
  const [adjusting, setAdjusting] = useState(false);

  useEffect(() => {
    if (settings.data) form.setFieldsValue({ ...settings.data, noteRewardCashYuan: (settings.data.noteRewardCashFen / 100).toFixed(2) });
  }, [settings.data, form]);

  const save = async (v: SettingsForm) => {
    const cash = parseYuanToFen(String(v.noteRewardCashYuan ?? '0'));
    if (cash === null) return;
    const { noteRewardCashYuan: _c, ...rest } = v;
    const r = await run(() => api.put('/api/admin/loyalty/settings', { ...rest, noteRewardCashFen: cash }), { success: t('common.saved') });
    if (r !== undefined) settings.reload();
  };

  const adjust = async (v: { memberId: number; points: number; reason: string }) => {
    const r = await run(() => api.post('/api/admin/loyalty/points-adjustments', { ...v, reason: v.reason.trim(), idempotencyKey: newIdempotencyKey('points') }), { success: t('common.done') });
    if (r === undefined) return false;
    ledger.reload();
    return true;
  };

  const num = (name: keyof SettingsForm, label: string, max: number, min = 0) => (
    <Col xs={24} sm={12} md={8}>
      <Form.Item name={name} label={label} rules={[{ required: true }]}>
        <InputNumber min={min} max={max} precision={0} style={{ width: '100%' }} disabled={!writable} data-testid={`loyalty-setting-${name}`} />
      </Form.Item>
    </Col>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={ft('loyalty.settings.title')} data-testid="loyalty-settings">
        {settings.error && <Alert type="error" showIcon title={describeError(settings.error, t)} style={{ marginBottom: 16 }} />}
        {!writable && <Alert type="info" showIcon title={t('common.readOnly')} style={{ marginBottom: 16 }} />}
        <Form<SettingsForm> form={form} layout="vertical" onFinish={save}>
          <Row gutter={16}>
            {num('pointsPerYuan', ft('loyalty.settings.pointsPerYuan'), 1000)}
            {num('signInBasePoints', ft('loyalty.settings.signInBasePoints'), 100000)}
            {num('streakBonusEveryDays', ft('loyalty.settings.streakBonusEveryDays'), 366, 1)}
            {num('streakBonusPoints', ft('loyalty.settings.streakBonusPoints'), 100000)}
            {num('noteRewardLikes', ft('loyalty.settings.noteRewardLikes'), 100000, 1)}
            {num('noteRewardPoints', ft('loyalty.settings.noteRewardPoints'), 1000000)}
            <Col xs={24} sm={12} md={8}>
              <Form.Item name="noteRewardCashYuan" label={ft('loyalty.settings.noteRewardCash')} rules={[{ required: true }, { pattern: /^\d+(\.\d{1,2})?$/, message: ft('loyalty.settings.yuanInvalid') }]}>
                <Input prefix="¥" disabled={!writable} data-testid="loyalty-setting-noteRewardCash" />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary">{ft('loyalty.settings.hint')}</Typography.Paragraph>
          {writable && (
            <Button type="primary" htmlType="submit" loading={running} data-testid="loyalty-settings-save">
              {ft('loyalty.save')}
            </Button>
          )}
        </Form>
      </Card>

      <Card
        title={ft('loyalty.ledger.title')}
        extra={writable && <Button onClick={() => setAdjusting(true)} data-testid="loyalty-adjust-open">{ft('loyalty.ledger.adjust')}</Button>}
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <MemberSelect value={memberId} onChange={(id) => { setMemberId(id); setPage(1); }} placeholder={ft('loyalty.ledger.member')} style={{ width: 260 }} testId="loyalty-ledger-member" />
          <Select<PointsReason>
            allowClear
            placeholder={ft('loyalty.ledger.reason')}
            style={{ width: 180 }}
            value={reason}
            onChange={(v) => { setReason(v); setPage(1); }}
            options={POINTS_REASONS.map((r) => ({ value: r, label: ft(`loyalty.reason.${r}`) }))}
            data-testid="loyalty-ledger-reason"
          />
        </Space>
        {ledger.error && <Alert type="error" showIcon title={describeError(ledger.error, t)} style={{ marginBottom: 16 }} />}
        <Table<PointsTransaction>
          rowKey="id"
          loading={ledger.loading}
          dataSource={ledger.data?.items ?? []}
          scroll={{ x: 1000 }}
          data-testid="loyalty-ledger-table"
          pagination={{ current: page, pageSize, total: ledger.data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (n) => t('common.totalN', { n }) }}
          columns={[
            { title: ft('loyalty.col.time'), dataIndex: 'createdAt', width: 170, render: formatDateTime },
            { title: ft('loyalty.ledger.member'), key: 'm', width: 200, render: (_v, r) => `${r.nickname} #${r.memberId} ${r.phone}` },
            { title: ft('loyalty.ledger.reason'), dataIndex: 'reason', width: 120, render: (v: PointsReason) => <Tag>{ft(`loyalty.reason.${v}`)}</Tag> },
            { title: ft('loyalty.col.points'), dataIndex: 'points', width: 90, align: 'right', render: (v: number) => <Typography.Text type={v < 0 ? 'danger' : 'success'}>{v > 0 ? `+${v}` : v}</Typography.Text> },
            { title: ft('loyalty.ledger.shortfall'), dataIndex: 'shortfall', width: 90, align: 'right', render: (v: number) => (v ? <Typography.Text type="warning">{v}</Typography.Text> : '—') },
            { title: ft('loyalty.ledger.balanceAfter'), dataIndex: 'balanceAfter', width: 100, align: 'right' },
            { title: ft('loyalty.ledger.memo'), key: 'memo', render: (_v, r) => [r.refType && `${r.refType} #${r.refId ?? ''}`, r.memo].filter(Boolean).join(' · ') || '—' },
          ]}
        />
      </Card>

      <FormModal<{ memberId: number; points: number; reason: string }> open={adjusting} title={ft('loyalty.ledger.adjust')} onClose={() => setAdjusting(false)} onSubmit={adjust} testId="loyalty-adjust-form">
        <Form.Item name="memberId" label={ft('loyalty.ledger.member')} rules={[{ required: true }]}>
          <MemberSelect testId="loyalty-adjust-member" />
        </Form.Item>
        <Form.Item name="points" label={ft('loyalty.ledger.adjustPoints')} rules={[{ required: true }]} extra={ft('loyalty.ledger.adjustHint')}>
          <InputNumber precision={0} min={-1000000} max={1000000} style={{ width: '100%' }} data-testid="loyalty-adjust-points" />
        </Form.Item>
        <ReasonField />
      </FormModal>
    </Space>
  );
}
