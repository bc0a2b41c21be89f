// Row types of the wechat-reach module (036), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';

export interface WechatMiniCodesTable {
  member_id: number;
  scene: string;
  appid: string;
  page: string;
  env_version: 'release' | 'trial' | 'develop';
  width: number;
  /** PGlite answers Uint8Array, pg a Buffer */
  png: Uint8Array;
  created_at: Date;
}

export interface WechatSubscribeGrantsTable {
  member_id: number;
  template_id: string;
  remaining: number;
  updated_at: Date;
}

export interface WechatAlertSettingsTable {
  member_id: number;
  enabled: boolean;
  updated_at: Date;
}

export type AlertChannel = 'mp_subscribe' | 'oa_template';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'refused' | 'failed' | 'unknown' | 'skipped';

export interface WechatAlertDeliveriesTable {
  id: Generated<number>;
  channel: AlertChannel;
  event_key: string;
  member_id: number;
  amount_fen: number;
  level: number;
  order_id: number;
  event_at: Date;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Date;
  claim_token: string | null;
  claimed_until: Date | null;
  grant_taken: Generated<boolean>;
  maybe_delivered: Generated<boolean>;
  template_id: string | null;
  errcode: number | null;
  error: string | null;
  msgid: string | null;
  first_attempt_at: Date | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface WechatReachTables {
  wechat_mini_codes: WechatMiniCodesTable;
  wechat_subscribe_grants: WechatSubscribeGrantsTable;
  wechat_alert_settings: WechatAlertSettingsTable;
  wechat_alert_deliveries: WechatAlertDeliveriesTable;
}
