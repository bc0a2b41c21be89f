// The campaign a checkout is bought in (秒杀, 拼团, 砍价), carried in the checkout page's URL as
// campaign=<kind>:<id>[:<groupId>] (flash_sale:12, group_buy:3, group_buy:3:45, bargain:7) and sent
// as `campaign` with the quote and the order. Anything else decodes to none.
export type CampaignKind = 'flash_sale' | 'group_buy' | 'bargain';

export interface CheckoutCampaign {
  kind: CampaignKind;
  id: number;
  /** 拼团: the open group to join */
  groupId?: number;
}

export function encodeCampaign(c: CheckoutCampaign): string {
  return `${c.kind}:${c.id}${c.groupId ? `:${c.groupId}` : ''}`;
}

export function decodeCampaign(text: string | null): CheckoutCampaign | undefined {
  const m = /^(flash_sale|group_buy|bargain):(\d{1,15})(?::(\d{1,15}))?$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  const id = Number(m[2]);
  const groupId = m[3] ? Number(m[3]) : undefined;
  if (id <= 0 || groupId === 0) return undefined;
  return { kind: m[1] as CampaignKind, id, ...(groupId ? { groupId } : {}) };
}
