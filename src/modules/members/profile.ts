// A member as the rest of the app sees it, and the columns that make one.
import type { DistributorStatus, HqRole } from './tables.js';

export interface MemberProfile {
  id: number;
  /** null for a member who signed in by WeChat and has not bound a phone */
  phone: string | null;
  nickname: string;
  avatarUrl: string | null;
  hqRole: HqRole | null;
  inviteCode: string;
  distributorStatus: DistributorStatus;
  distributorSince: Date | null;
  tierId: number;
  groupId: number | null;
  createdAt: Date;
}

export function toProfile(row: {
  id: number;
  phone: string | null;
  nickname: string;
  avatar_url: string | null;
  hq_role: HqRole | null;
  invite_code: string;
  distributor_status: DistributorStatus;
  distributor_since: Date | null;
  tier_id: number;
  group_id: number | null;
  created_at: Date;
}): MemberProfile {
  return {
    id: row.id,
    phone: row.phone,
    nickname: row.nickname,
    avatarUrl: row.avatar_url,
    hqRole: row.hq_role,
    inviteCode: row.invite_code,
    distributorStatus: row.distributor_status,
    distributorSince: row.distributor_since,
    tierId: row.tier_id,
    groupId: row.group_id,
    createdAt: row.created_at,
  };
}

export const profileColumns = [
  'id',
  'phone',
  'nickname',
  'avatar_url',
  'hq_role',
  'invite_code',
  'distributor_status',
  'distributor_since',
  'tier_id',
  'group_id',
  'created_at',
] as const;
