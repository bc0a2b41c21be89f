// 风控审核: earnings a risk rule held, by status (审核中 first), with the order, earner, buyer, amount and the
// reasons; a drawer shows the members and signals behind it as a small graph and a table. The owner and
// finance release (it settles as usual) or void (reversed like a full refund) with a reason; the auditor reads.
// The status is in the URL (?status=), so the dashboard's 待办 opens the held ones.
import { Alert, Button, Card, Descriptions, Drawer, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { FormModal, ReasonField } from '../../components/FormModal';
import { enumLabel } from '../../components/StatusTag';
import { formatDateTime } from '../../format';
import { describeError, useApi, useIsMobile, useRun } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { reasonText, signalName } from './reasons';
import { RiskGraph } from './RiskGraph';
import type { HoldDetail, HoldsAnswer, HoldStatus, RiskHold } from './types';
import { useUrlChoice } from '../../url-state';

const STATUS_COLORS: Record<HoldStatus, string> = { held: 'gold', released: 'success', voided: 'default' };
const PAGE = 20;
const FILTERS = ['held', 'released', 'voided', 'all'] as const;

function HoldDrawer({ hold, onClose }: { hold: RiskHold | null; onClose: () => void }) {
  const t = useFeatureT();
  const core = useT();
  const detail = useApi<HoldDetail>(hold ? `/api/admin/risk/holds/${hold.id}` : null);
  const d = detail.data;
  return (
    <Drawer open={!!hold} onClose={onClose} width={620} title={hold ? t('risk.drawer.title', { orderNo: hold.orderNo }) : ''} data-testid="risk-drawer" destroyOnHidden>
      {detail.error && <Alert type="error" showIcon title={describeError(detail.error, core)} />}
      {d && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={core('nav.earnings')}>
              {t('risk.drawer.earning', { amount: formatFen(d.hold.earningFen), level: t('risk.level', { n: d.hold.level }), state: enumLabel(core, 'earning', d.hold.earningState) })}
            </Descriptions.Item>
            <Descriptions.Item label={t('risk.col.earner')}>{`${d.hold.earnerNickname} #${d.hold.earnerId}`}</Descriptions.Item>
            <Descriptions.Item label={t('risk.col.buyer')}>{`${d.hold.buyerNickname} #${d.hold.buyerId}`}</Descriptions.Item>
            <Descriptions.Item label={t('risk.drawer.reasons')}>
              <Space orientation="vertical" size={2} data-testid="risk-drawer-reasons">
                {d.hold.reasons.map((r, i) => (
                  <span key={i}>{reasonText(t, r)}</span>
                ))}
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('risk.graph.title')}>
            <RiskGraph graph={d.graph} />
          </Card>
          <Card size="small" title={t('risk.signals.title')}>
            <Table
              size="small"
              rowKey={(row) => `${row.memberId}-${row.kind}-${row.label}`}
              pagination={false}
              scroll={{ x: 520 }}
              data-testid="risk-signals"
              dataSource={d.graph.members.flatMap((m) => m.signals.map((s) => ({ ...s, memberId: m.id, member: `${m.nickname} #${m.id}`, role: m.role })))}
              columns={[
                { title: t('risk.signals.member'), key: 'member', render: (_v, s) => <span>{s.member} <Typography.Text type="secondary">{t(`risk.role.${s.role}`)}</Typography.Text></span> },
                { title: t('risk.signals.kind'), key: 'kind', render: (_v, s) => <Tag color={s.strong ? 'red' : 'default'}>{signalName(t, s.kind)}</Tag> },
                { title: t('risk.signals.value'), key: 'label', render: (_v, s) => <Space size={4}>{s.label}{s.shared && <Tag color="volcano">{t('risk.signals.shared')}</Tag>}</Space> },
                { title: t('risk.signals.lastSeen'), key: 'lastSeenAt', render: (_v, s) => formatDateTime(s.lastSeenAt) },
              ]}
            />
          </Card>
        </Space>
      )}
    </Drawer>
  );
}

export default function RiskQueuePage() {
  const t = useFeatureT();
  const core = useT();
  const mobile = useIsMobile();
  const { me } = useAuth();
  const writable = me?.hqRole === 'owner' || me?.hqRole === 'finance';
  const [status, setStatus] = useUrlChoice<HoldStatus | 'all'>('status', FILTERS, 'held');
  const [page, setPage] = useState(1);
  const list = useApi<HoldsAnswer>('/api/admin/risk/holds', { status: status === 'all' ? undefined : status, limit: PAGE, offset: (page - 1) * PAGE });
  const [open, setOpen] = useState<RiskHold | null>(null);
  const [deciding, setDeciding] = useState<{ hold: RiskHold; kind: 'release' | 'void' } | null>(null);
  const { run } = useRun();

  const decide = async (v: { reason: string }) => {
    if (!deciding) return false;
    const done = await run(() => api.post<RiskHold>(`/api/admin/risk/holds/${deciding.hold.id}/${deciding.kind}`, { reason: v.reason.trim() }), {
      success: t(deciding.kind === 'release' ? 'risk.releasedMsg' : 'risk.voidedMsg'),
    });
    if (done === undefined) return false;
    list.reload();
    return true;
  };

  return (
    <Card title={t('risk.nav.queue')} data-testid="risk-queue">
      <Typography.Paragraph type="secondary">{t('risk.queue.hint')}</Typography.Paragraph>
      {!writable && <Alert type="info" showIcon title={t('risk.queue.readOnly')} style={{ marginBottom: 16 }} />}
      <Segmented
        style={{ marginBottom: 16 }}
        value={status}
        onChange={(v) => {
          setStatus(v as HoldStatus | 'all');
          setPage(1);
        }}
        options={FILTERS.map((s) => ({ value: s, label: <span data-testid={`risk-status-${s}`}>{t(`risk.status.${s}`)}</span> }))}
      />
      {list.error && <Alert type="error" showIcon title={describeError(list.error, core)} style={{ marginBottom: 16 }} />}
      <Table<RiskHold>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        data-testid="risk-holds"
        onRow={(h) => ({ 'data-testid': `risk-hold-${h.id}`, 'data-order-no': h.orderNo }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('risk.col.order'), key: 'order', width: 190, fixed: mobile ? undefined : 'left', render: (_v, h) => <Typography.Text copyable={{ text: h.orderNo }}>{h.orderNo}</Typography.Text> },
          { title: t('risk.col.earner'), key: 'earner', width: 160, render: (_v, h) => <Space orientation="vertical" size={0}><span>{h.earnerNickname}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>#{h.earnerId} · {t('risk.level', { n: h.level })}</Typography.Text></Space> },
          { title: t('risk.col.buyer'), key: 'buyer', width: 150, render: (_v, h) => <Space orientation="vertical" size={0}><span>{h.buyerNickname}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>#{h.buyerId} {h.buyerPhone ?? ''}</Typography.Text></Space> },
          { title: t('risk.col.amount'), key: 'amount', width: 110, align: 'right', render: (_v, h) => <span data-testid="risk-hold-amount" data-fen={h.amountFen}>{formatFen(h.amountFen)}</span> },
          {
            title: t('risk.col.reason'),
            key: 'reason',
            width: 300,
            render: (_v, h) => (
              <Space orientation="vertical" size={2}>
                <Tag color="volcano">{t(`risk.rule.${h.rule}`)}</Tag>
                <Typography.Text style={{ fontSize: 12 }}>{reasonText(t, h.reasons[0]!)}</Typography.Text>
              </Space>
            ),
          },
          { title: t('risk.col.heldAt'), key: 'heldAt', width: 150, render: (_v, h) => formatDateTime(h.heldAt) },
          {
            title: t('risk.col.status'),
            key: 'status',
            width: 180,
            render: (_v, h) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATUS_COLORS[h.status]} data-testid="risk-hold-status" data-status={h.status}>{t(`risk.status.${h.status}`)}</Tag>
                {h.status !== 'held' && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('risk.decided', { name: h.decidedByName ?? `#${h.decidedBy}`, at: formatDateTime(h.decidedAt), status: t(`risk.status.${h.status}`), reason: h.decisionReason ?? '' })}
                    {h.status === 'voided' ? ` · ${t('risk.voidedFen', { amount: formatFen(h.voidedFen ?? 0) })}` : ''}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('risk.col.actions'),
            key: 'actions',
            width: 200,
            fixed: mobile ? undefined : 'right',
            render: (_v, h) => (
              <Space wrap>
                <Button size="small" onClick={() => setOpen(h)} data-testid="risk-hold-detail">{t('risk.detail')}</Button>
                {writable && h.status === 'held' && (
                  <>
                    <Button size="small" type="primary" onClick={() => setDeciding({ hold: h, kind: 'release' })} data-testid="risk-hold-release">{t('risk.release')}</Button>
                    <Button size="small" danger onClick={() => setDeciding({ hold: h, kind: 'void' })} data-testid="risk-hold-void">{t('risk.void')}</Button>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <HoldDrawer hold={open} onClose={() => setOpen(null)} />
      <FormModal<{ reason: string }>
        open={!!deciding}
        title={deciding ? t(deciding.kind === 'release' ? 'risk.releaseTitle' : 'risk.voidTitle', { amount: formatFen(deciding.hold.amountFen) }) : ''}
        onClose={() => setDeciding(null)}
        onSubmit={decide}
        danger={deciding?.kind === 'void'}
        okText={deciding ? t(deciding.kind === 'release' ? 'risk.release' : 'risk.void') : undefined}
        testId="risk-decision"
      >
        <Alert type={deciding?.kind === 'void' ? 'warning' : 'info'} showIcon title={deciding ? t(deciding.kind === 'release' ? 'risk.releaseHint' : 'risk.voidHint') : ''} style={{ marginBottom: 16 }} />
        <ReasonField />
      </FormModal>
    </Card>
  );
}
