// Row types of the tables in migrations/*.sql, for Kysely. int8 columns arrive as numbers (see database.ts).
import type { ColumnType, Generated } from 'kysely';
import type { PromotionsTables } from '../modules/promotions/tables.js';
import type { LoyaltyTables } from '../modules/loyalty/tables.js';
import type { GrowthTables } from '../modules/growth/tables.js';
import type { ContestsTables } from '../modules/contests/tables.js';
import type { AgentsTables } from '../modules/agents/tables.js';
import type { StoresTables } from '../modules/stores/tables.js';
import type { InsightsTables } from '../modules/insights/tables.js';
import type { SuppliersTables } from '../modules/suppliers/tables.js';
import type { DealersTables } from '../modules/dealers/tables.js';
import type { IdentityTables } from '../modules/identity/tables.js';
import type { PaymentsTables } from '../modules/payments/tables.js';
import type { PayoutsTables } from '../modules/payouts/tables.js';
import type { StatementsTables } from '../modules/statements/tables.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface ShippingAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  regionCode: string;
}

export type HqRole = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';
export type DistributorStatus = 'none' | 'applied' | 'active' | 'rejected' | 'disabled';
export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'closed' | 'refunded';
export type OrderSource = 'share_link' | 'poster' | 'store' | 'direct';
export type EarningKind = 'distribution' | 'agent_regional' | 'agent_sales' | 'coupon_guide' | 'supplier_settlement' | 'dealer_sale' | 'dealer_rebate';
export type EarningState = 'pending' | 'frozen' | 'available' | 'reversed';
export type PayoutStatus = 'reviewing' | 'processing' | 'paid' | 'rejected' | 'failed';
export type PayoutChannel = 'wechat' | 'alipay' | 'bank';

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

export interface RuleVersionsTable {
  id: Generated<number>;
  config: Json<unknown>;
  note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface ReferralBindingsTable {
  member_id: number;
  referrer_id: number;
  source: string;
  bound_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date | null;
}

export interface ReferralClosureTable {
  ancestor_id: number;
  descendant_id: number;
  distance: number;
}

export interface ReferralBindingHistoryTable {
  id: Generated<number>;
  member_id: number;
  old_referrer_id: number | null;
  new_referrer_id: number | null;
  source: string;
  reason: string | null;
  actor_id: number | null;
  created_at: CreatedAt;
}

export interface ReferralVisitsTable {
  id: Generated<number>;
  visitor_key: string;
  member_id: number | null;
  referrer_id: number;
  created_at: CreatedAt;
}

export interface ProductsTable {
  id: Generated<number>;
  title: string;
  description: Generated<string>;
  image_url: string | null;
  category: Generated<string>;
  status: Generated<'on_sale' | 'off_sale'>;
  created_at: CreatedAt;
}

export interface ProductSkusTable {
  id: Generated<number>;
  product_id: number;
  name: string;
  price_fen: number;
  stock: number;
  created_at: CreatedAt;
}

export interface OrdersTable {
  id: Generated<number>;
  order_no: string;
  buyer_id: number;
  status: Generated<OrderStatus>;
  goods_fen: number;
  discount_fen: Generated<number>;
  shipping_fen: Generated<number>;
  payable_fen: number;
  paid_fen: Generated<number>;
  refunded_fen: Generated<number>;
  source: Generated<OrderSource>;
  sharer_id: number | null;
  checkout_key: string | null;
  shipping_address: Json<ShippingAddress> | null;
  region_code: string | null;
  delivery_method: Generated<'express' | 'pickup'>;
  store_id: number | null;
  rule_version_id: number | null;
  paid_at: Date | null;
  shipped_at: Date | null;
  completed_at: Date | null;
  closed_at: Date | null;
  created_at: CreatedAt;
}

export interface OrderLinesTable {
  id: Generated<number>;
  order_id: number;
  product_id: number;
  sku_id: number;
  title: string;
  quantity: number;
  unit_price_fen: number;
  discount_fen: Generated<number>;
  paid_fen: number;
  refunded_fen: Generated<number>;
}

export interface RefundsTable {
  id: Generated<number>;
  refund_no: string;
  order_id: number;
  status: Generated<'processing' | 'succeeded' | 'failed' | 'overpaid'>;
  amount_fen: number;
  shipping_fen: Generated<number>;
  reason: string;
  created_by: number | null;
  idempotency_key: string;
  created_at: CreatedAt;
  completed_at: Date | null;
}

export interface RefundLinesTable {
  refund_id: number;
  order_line_id: number;
  amount_fen: number;
}

export interface PaymentsTable {
  id: Generated<number>;
  order_id: number;
  provider: string;
  out_trade_no: string;
  amount_fen: number;
  status: Generated<'created' | 'succeeded' | 'closed'>;
  method: string;
  provider_txn_id: string | null;
  paid_at: Date | null;
  created_at: CreatedAt;
  next_check_at: Date | null;
  checks: Generated<number>;
  closed_at: Date | null;
}

export interface PaymentEventsTable {
  id: Generated<number>;
  provider: string;
  event_key: string;
  kind: string;
  outcome: string;
  created_at: CreatedAt;
}

export interface LedgerAccountsTable {
  id: Generated<number>;
  owner_type: 'platform' | 'member';
  owner_id: number;
  purpose: string;
  allow_negative: boolean;
  created_at: CreatedAt;
}

export interface LedgerTransfersTable {
  id: Generated<number>;
  from_account_id: number;
  to_account_id: number;
  amount_fen: number;
  code: string;
  idempotency_key: string;
  ref_type: string | null;
  ref_id: number | null;
  memo: string | null;
  created_at: CreatedAt;
}

export interface CommissionEarningsTable {
  id: Generated<number>;
  order_id: number;
  order_line_id: number;
  earner_id: number;
  buyer_id: number;
  kind: Generated<EarningKind>;
  level: number;
  base_fen: number;
  rate_bp: number | null;
  amount_fen: number;
  reversed_fen: Generated<number>;
  state: EarningState;
  rule_version_id: number;
  frozen_until: Date | null;
  created_at: CreatedAt;
}

export interface PayoutsTable {
  id: Generated<number>;
  payout_no: string;
  member_id: number;
  amount_fen: number;
  fee_fen: number;
  channel: PayoutChannel;
  destination: Json<Record<string, string>>;
  status: PayoutStatus;
  attempts: Generated<number>;
  idempotency_key: string;
  auto_approved: Generated<boolean>;
  reject_reason: string | null;
  failure_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  paid_at: Date | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  reason: string | null;
  created_at: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<number>;
  member_id: number;
  kind: string;
  title: string;
  body: string;
  amount_fen: number | null;
  ref_type: string | null;
  ref_id: number | null;
  read_at: Date | null;
  created_at: CreatedAt;
}

export interface RefundRequestsTable {
  id: Generated<number>;
  order_id: number;
  buyer_id: number;
  lines: Json<Array<{ lineId: number; amountFen: number }>>;
  shipping_fen: Generated<number>;
  reason: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  refund_id: number | null;
  review_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  created_at: CreatedAt;
}

export interface LedgerCheckpointsTable {
  account_id: number;
  horizon: Date;
  balance_fen: number;
  updated_at: Generated<Date>;
}

export interface StoresTable {
  id: Generated<number>;
  name: string;
  region_code: string;
  address: string;
  latitude: number;
  longitude: number;
  opening_hours: Generated<string>;
  phone: string | null;
  status: Generated<'open' | 'closed'>;
  created_at: CreatedAt;
}

export interface StoreStaffTable {
  store_id: number;
  member_id: number;
  role: Generated<'manager' | 'clerk'>;
  created_at: CreatedAt;
}

export interface PickupCodesTable {
  order_id: number;
  store_id: number;
  code: string;
  redeemed_at: Date | null;
  redeemed_by: number | null;
  created_at: CreatedAt;
}

export interface AgentsTable {
  id: Generated<number>;
  member_id: number;
  kind: 'regional' | 'non_regional';
  region_level: 'province' | 'city' | 'district' | null;
  region_code: string | null;
  parent_agent_id: number | null;
  rate_bp: number;
  term_start: Date;
  term_end: Date;
  status: Generated<'active' | 'suspended'>;
  /** a non-regional agent's level (016_channels.sql) */
  level_id: number | null;
  created_at: CreatedAt;
}

/** Every table; feature modules declare theirs in their own tables.ts. */
export interface Database extends IdentityTables, PaymentsTables, PayoutsTables, StatementsTables, PromotionsTables, LoyaltyTables, GrowthTables, ContestsTables, InsightsTables, SuppliersTables, DealersTables, Omit<AgentsTables, 'agents'>, StoresTables {
  distributor_tiers: DistributorTiersTable;
  distributor_groups: DistributorGroupsTable;
  members: MembersTable;
  distributor_applications: DistributorApplicationsTable;
  sms_codes: SmsCodesTable;
  rule_versions: RuleVersionsTable;
  referral_bindings: ReferralBindingsTable;
  referral_closure: ReferralClosureTable;
  referral_binding_history: ReferralBindingHistoryTable;
  referral_visits: ReferralVisitsTable;
  products: ProductsTable;
  product_skus: ProductSkusTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  refunds: RefundsTable;
  refund_lines: RefundLinesTable;
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
  commission_earnings: CommissionEarningsTable;
  payouts: PayoutsTable;
  audit_log: AuditLogTable;
  referral_member_sales: ReferralMemberSalesTable;
  referral_team_totals: ReferralTeamTotalsTable;
  referral_team_deltas: ReferralTeamDeltasTable;
  notifications: NotificationsTable;
  refund_requests: RefundRequestsTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  stores: StoresTable;
  store_staff: StoreStaffTable;
  pickup_codes: PickupCodesTable;
  agents: AgentsTable;
}

export interface ReferralTeamTotalsTable {
  member_id: number;
  team_size: number;
  direct_count: number;
  team_sales_fen: number;
  max_depth: number;
  depth_stale: Generated<boolean>;
}

export interface ReferralTeamDeltasTable {
  id: Generated<number>;
  member_id: number;
  size_delta: Generated<number>;
  direct_delta: Generated<number>;
  sales_delta: Generated<number>;
  depth_at_least: Generated<number>;
  recheck_depth: Generated<boolean>;
  /** applies to every ancestor of member_id (through the closure), not to member_id itself */
  spread: Generated<boolean>;
}

export interface ReferralMemberSalesTable {
  member_id: number;
  paid_fen: number;
  refunded_fen: number;
  order_count: number;
}
