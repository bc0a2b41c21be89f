// Row types of the identity tables (migration 024_identity.sql, owned by this module), for Kysely.
import type { Generated } from 'kysely';

export interface MemberSessionsTable {
  id: Generated<number>;
  member_id: number;
  session_version: number;
  refresh_hash: string;
  previous_hash: string | null;
  rotated_at: Date | null;
  user_agent: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface MemberSessionRetiredRefreshTable {
  refresh_hash: string;
  session_id: number;
  retired_at: Date;
}

export interface MemberWechatIdentitiesTable {
  id: Generated<number>;
  member_id: number;
  app_kind: 'oa' | 'mp';
  appid: string;
  openid: string;
  unionid: string | null;
  created_at: Date;
}

export interface WechatOauthStatesTable {
  state: string;
  scope: 'snsapi_base' | 'snsapi_userinfo';
  return_to: string;
  invite_code: string | null;
  visitor_key: string | null;
  member_id: number | null;
  created_at: Date;
  used_at: Date | null;
}

export interface LoginTicketsTable {
  ticket_hash: string;
  member_id: number;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface MemberSecondFactorsTable {
  member_id: number;
  totp_secret_sealed: string;
  enabled_at: Date | null;
  last_used_step: number | null;
  created_at: Date;
}

export interface MemberRecoveryCodesTable {
  id: Generated<number>;
  member_id: number;
  code_hash: string;
  used_at: Date | null;
}

export interface LimitCountersTable {
  key: string;
  window_start: Date;
  window_ms: number;
  hits: number;
  last_hit_at: Date;
}

export interface WechatAccessTokensTable {
  appid: string;
  token: string;
  expires_at: Date;
}

export interface IdentityTables {
  member_sessions: MemberSessionsTable;
  member_session_retired_refresh: MemberSessionRetiredRefreshTable;
  member_wechat_identities: MemberWechatIdentitiesTable;
  wechat_oauth_states: WechatOauthStatesTable;
  login_tickets: LoginTicketsTable;
  member_second_factors: MemberSecondFactorsTable;
  member_recovery_codes: MemberRecoveryCodesTable;
  limit_counters: LimitCountersTable;
  wechat_access_tokens: WechatAccessTokensTable;
}
