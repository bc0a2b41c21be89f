// Row types of members, distributor applications, tiers, groups and SMS codes (001, 003, 004), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export type HqRole = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';
export type DistributorStatus = 'none' | 'applied' | 'active' | 'rejected' | 'disabled';

export interface DistributorTiersTable {
  id: number;
  name: string;
  rank: number;
  created_at: CreatedAt;
}

export interface DistributorGroupsTable {
  id: Generated<number>;
  name: string;
  created_at: CreatedAt;
}

export interface MembersTable {
  id: Generated<number>;
  phone: string | null;
  password_hash: string | null;
  nickname: string;
  avatar_url: string | null;
  hq_role: HqRole | null;
  session_version: Generated<number>;
  disabled_at: Date | null;
  must_change_password: Generated<boolean>;
  invite_code: string;
  distributor_status: Generated<DistributorStatus>;
  distributor_since: Date | null;
  tier_id: Generated<number>;
  group_id: number | null;
  created_at: CreatedAt;
}

export interface DistributorApplicationsTable {
  id: Generated<number>;
  member_id: number;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  note: string | null;
  review_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  created_at: CreatedAt;
}

export interface SmsCodesTable {
  id: Generated<number>;
  phone: string;
  purpose: string;
  code_hash: string;
  attempts: Generated<number>;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: CreatedAt;
}

export interface MembersTables {
  distributor_tiers: DistributorTiersTable;
  distributor_groups: DistributorGroupsTable;
  members: MembersTable;
  distributor_applications: DistributorApplicationsTable;
  sms_codes: SmsCodesTable;
}
