// Hand-written shapes of API answers whose routes have no zod response schema yet, so nothing is
// generated for them. One place for both apps: when a route gains a response schema, run
// `npx tsx scripts/gen-api-types.ts` and replace its type here with ResponseOf<…> (web/shared/api.ts).
// Money is integer fen, rates are basis points, times are ISO strings.
import type { ResponseOf } from './api';
import type { Order, OrderSummary, Quote, Refund } from './types';

// --- from generated answers ---
export type HqRole = NonNullable<ResponseOf<'/api/me'>['hqRole']>;
export type DistributorStatus = ResponseOf<'/api/me'>['distributorStatus'];

// --- lists ---
export interface Items<T> {
  items: T[];
}

export interface Page<T> extends Items<T> {
  total: number;
}

// --- catalog ---

// --- orders ---

/** A refund on HQ's list of refunds across orders (GET /api/admin/refunds). */
export interface RefundListRow extends Omit<Refund, 'shippingFen'> {
  orderId: number;
  orderNo: string;
}

// --- referral ---

// --- commission and withdrawals ---
/** A member's commission balances (the member's summary adds what was withdrawn). */
export interface Balances {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
  totalEarnedFen: number;
  todayFen: number;
  earningCount?: number;
}


// --- the shop ---

// --- the console ---
/** A party the member acts for (supplier, dealer, agent, store staff): it opens that party's console pages. */
export interface Party {
  kind: string;
  id: number;
  name: string;
}

export interface Member {
  id: number;
  phone: string;
  nickname: string;
  avatarUrl: string | null;
  hqRole: HqRole | null;
  inviteCode: string;
  distributorStatus: DistributorStatus;
  distributorSince: string | null;
  tierId: number | null;
  groupId: number | null;
  createdAt: string;
}

export interface MemberDetail extends Member {
  referrer: { referrerId: number; source: string; boundAt: string; expiresAt: string | null } | null;
  uplines: Array<{ id: number; nickname: string; phone: string; distributorStatus: DistributorStatus; tierId: number | null; distance: number }>;
  team: { teamSize: number; directCount: number; teamSalesFen: number; maxDepth: number };
  balances: Balances;
  bindingHistory: Array<{ id: number; oldReferrerId: number | null; newReferrerId: number | null; source: string; reason: string | null; actorId: number | null; createdAt: string }>;
}

export interface Tier {
  id: number;
  name: string;
  rank: number;
}

export interface Group {
  id: number;
  name: string;
}

export interface Application {
  id: number;
  memberId: number;
  nickname: string;
  phone: string;
  status: 'pending' | 'approved' | 'rejected';
  note: string | null;
  reviewReason: string | null;
  createdAt: string;
  reviewedAt: string | null;
}

export interface Earning {
  id: number;
  orderId: number;
  orderNo: string;
  orderLineId: number;
  earnerId: number;
  earnerNickname: string;
  buyerId: number;
  buyerNickname: string;
  level: number;
  baseFen: number;
  rateBp: number;
  amountFen: number;
  reversedFen: number;
  state: 'pending' | 'frozen' | 'available' | 'reversed';
  ruleVersionId: number;
  frozenUntil: string | null;
  createdAt: string;
}

export interface AuditEntry {
  id: number;
  actorId: number | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  createdAt: string;
}

export interface Reconciliation {
  ok: boolean;
  checkedAt?: string;
  transfers?: number;
  checks: Array<{ name: string; description: string; differences: unknown[] }>;
}

export interface PeriodFigures {
  gmvFen: number;
  orders: number;
  newMembers: number;
  newDistributors: number;
}

export interface Dashboard {
  today: PeriodFigures;
  month: PeriodFigures;
  commission: { pendingFen: number; frozenFen: number; payableFen: number; paidFen: number; withdrawingFen?: number };
  trend: Array<{ date: string; gmvFen: number; orders: number; newMembers: number; commissionFen: number }>;
}

export interface RankingRow {
  memberId: number;
  nickname: string;
  phone: string;
  earnedFen: number;
  orderCount: number;
}

export type CommissionOverride = { mode: 'rate'; ratesBp: number[] } | { mode: 'fixed'; amountsFen: number[] };

export interface RuleConfig {
  commission: {
    levels: number;
    complianceOverride?: { reason: string };
    selfPurchase: boolean;
    capBp: number;
    tierRatesBp: Record<string, number[]>;
    productOverrides: Record<string, CommissionOverride>;
    skuOverrides: Record<string, CommissionOverride>;
    freezeDays: number;
    [k: string]: unknown;
  };
  binding: {
    trigger: 'first_visit' | 'registration' | 'first_order';
    protectionDays: number;
    permanence: 'permanent' | 'days' | 'last_touch';
    validDays: number;
    newUsersOnly: boolean;
    [k: string]: unknown;
  };
  distributor: { mode: 'automatic' | 'first_purchase' | 'spend_threshold' | 'application'; spendThresholdFen: number; [k: string]: unknown };
  payout: { minAmountFen: number; feeBp: number; dailyCountLimit: number; autoApproveMaxFen: number; channels: Array<'wechat' | 'alipay' | 'bank'>; [k: string]: unknown };
  order: { shippingFen: number; freeShippingMinFen: number; fullReduction: Array<{ thresholdFen: number; offFen: number }>; unpaidCloseMinutes?: number; [k: string]: unknown };
  [k: string]: unknown;
}

export interface RuleVersionSummary {
  id: number;
  note: string | null;
  createdBy: number | null;
  createdAt: string;
}

export interface RulesResponse {
  current: { id: number; config: RuleConfig; note: string | null; createdBy: number | null; createdAt: string };
  versions: RuleVersionSummary[];
}

/** One order on HQ's list, with its buyer. */
export interface OrderRow extends OrderSummary {
  buyerId: number;
  buyerNickname: string;
  buyerPhone: string;
}

/** One order as HQ sees it: the buyer's view, the rule version, the payments and the earnings. */
export interface OrderDetail extends Order {
  ruleVersionId: number | null;
  payments: Array<{ id: number; provider: string; outTradeNo: string; amountFen: number; status: string; providerTxnId: string | null; paidAt: string | null; createdAt: string }>;
  earnings: Earning[];
}

export interface DryRunResult {
  ruleVersionId: number;
  quote: Quote;
  earnings: Array<{ earnerId: number; earnerNickname?: string; level: number; baseFen: number; rateBp: number; amountFen: number; lineIndex: number }>;
  totalCommissionFen: number;
}

// --- features (the console's and the shop's screens of the same resource) ---
export type CouponKind = 'fixed' | 'percent' | 'threshold';

/** What a coupon takes off and when it applies. */
export interface CouponTerms {
  name: string;
  kind: CouponKind;
  offFen: number | null;
  rateBp: number | null;
  maxOffFen: number | null;
  minSpendFen: number;
  productIds: number[] | null;
}

export type ContestMetric = 'sales' | 'invites' | 'points';
export type ContestState = 'scheduled' | 'running' | 'closing' | 'finished';
