// An offer's groups in a drawer: status (open / succeeded / failed / refunded …), deadline and every
// member with its payment or refund.
import { Drawer, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { formatDateTime } from '../../format';
import { useApi } from '../../hooks';
import { useFeatureT } from '../../i18n';
import type { Items } from '../../types';
import type { GroupBuyOffer, GroupMember, GroupStatus, OfferGroup } from './types';

export const GROUP_STATUS_COLOR: Record<GroupStatus, string> = { pending: 'default', open: 'processing', succeeded: 'green', failed: 'red', refunded: 'orange', cancelled: 'default' };
const MEMBER_STATUS_COLOR: Record<GroupMember['status'], string> = { unpaid: 'default', paid: 'green', dropped: 'default', refunding: 'orange', refunded: 'orange' };

function Members({ group }: { group: OfferGroup }) {
  const t = useFeatureT();
  return (
    <Space direction="vertical" size={2}>
      {group.members.map((m) => (
        <span key={m.orderId} data-testid={`group-member-${group.id}-${m.memberId}`} data-status={m.status}>
          {m.isOpener && <Tag color="gold">{t('groupBuys.opener')}</Tag>}
          {m.nickname} {m.phone ?? ''} · #{m.orderId} <Tag color={MEMBER_STATUS_COLOR[m.status]}>{t(`groupBuys.memberStatus.${m.status}`)}</Tag>
          {m.refundNo && <span className="muted">{m.refundNo}</span>}
        </span>
      ))}
      {group.simulatedSlots > 0 && <Tag>{t('groupBuys.simulatedSlots', { n: group.simulatedSlots })}</Tag>}
    </Space>
  );
}

export function GroupsDrawer({ offer, onClose }: { offer: GroupBuyOffer | null; onClose: () => void }) {
  const t = useFeatureT();
  const [status, setStatus] = useState<GroupStatus | undefined>();
  const list = useApi<Items<OfferGroup>>(offer ? `/api/admin/group-buys/${offer.id}/groups` : null, { limit: 100, ...(status ? { status } : {}) });
  return (
    <Drawer open={offer !== null} onClose={onClose} size="large" title={offer ? t('groupBuys.drawer.title', { title: offer.title }) : ''} data-testid="group-buy-groups-drawer">
      <Select
        allowClear
        placeholder={t('groupBuys.drawer.all')}
        value={status}
        onChange={setStatus}
        style={{ width: 160, marginBottom: 12 }}
        options={(['pending', 'open', 'succeeded', 'failed', 'refunded', 'cancelled'] as const).map((s) => ({ value: s, label: t(`groupBuys.status.${s}`) }))}
        data-testid="group-status-filter"
      />
      <Table<OfferGroup>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(r) => ({ 'data-testid': `offer-group-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: '#', dataIndex: 'id', width: 70 },
          { title: t('groupBuys.col.opener'), dataIndex: 'openerNickname', width: 120 },
          { title: t('groupBuys.col.status'), dataIndex: 'status', width: 100, render: (s: GroupStatus, g) => <Tag color={GROUP_STATUS_COLOR[s]} data-testid={`offer-group-status-${g.id}`}>{t(`groupBuys.status.${s}`)}</Tag> },
          { title: t('groupBuys.col.size'), dataIndex: 'groupSize', width: 70, align: 'right' },
          { title: t('groupBuys.col.expiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string | null) => formatDateTime(v) || '—' },
          { title: t('groupBuys.col.members'), key: 'members', width: 420, render: (_v, g) => <Members group={g} /> },
        ]}
      />
    </Drawer>
  );
}
