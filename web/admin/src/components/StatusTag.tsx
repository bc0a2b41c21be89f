import { Tag } from 'antd';
import { useT, type Translate } from '../i18n';

const COLORS: Record<string, string> = {
  // distributor
  none: 'default',
  applied: 'processing',
  active: 'success',
  rejected: 'error',
  disabled: 'default',
  // orders
  pending_payment: 'default',
  paid: 'processing',
  shipped: 'cyan',
  completed: 'success',
  closed: 'default',
  refunded: 'warning',
  // payouts
  reviewing: 'gold',
  processing: 'processing',
  failed: 'error',
  // refunds, applications
  succeeded: 'success',
  pending: 'gold',
  approved: 'success',
  // after-sales
  awaiting_return: 'orange',
  returning: 'cyan',
  cancelled: 'default',
  expired: 'default',
  // earnings
  frozen: 'blue',
  available: 'success',
  reversed: 'default',
  // products
  on_sale: 'success',
  off_sale: 'default',
};

export type EnumGroup = 'distributor' | 'order' | 'campaign' | 'payout' | 'refund' | 'review' | 'afterSales' | 'earning' | 'product' | 'role' | 'channel';

export function enumLabel(t: Translate, group: EnumGroup, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return t.maybe(`enum.${group}.${value}`) ?? value;
}

export function StatusTag({ group, value }: { group: EnumGroup; value: string | null | undefined }) {
  const t = useT();
  if (!value) return <span>—</span>;
  return <Tag color={COLORS[value] ?? 'default'}>{enumLabel(t, group, value)}</Tag>;
}

const CAMPAIGN_COLORS: Record<string, string> = { flash_sale: 'red', group_buy: 'orange', bargain: 'magenta' };

/** 秒杀 / 拼团 / 砍价 beside an order bought in a campaign. */
export function CampaignTag({ kind }: { kind: string }) {
  const t = useT();
  return (
    <Tag color={CAMPAIGN_COLORS[kind] ?? 'default'} data-testid="order-campaign" data-kind={kind}>
      {enumLabel(t, 'campaign', kind)}
    </Tag>
  );
}
