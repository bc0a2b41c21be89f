// Shapes of the API responses the console reads (see /openapi.json). Money fields end in Fen, rates in Bp.

export type HqRole = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';
export const HQ_ROLES: HqRole[] = ['owner', 'operator', 'finance', 'support', 'auditor'];

export type DistributorStatus = 'none' | 'applied' | 'active' | 'rejected' | 'disabled';
export const DISTRIBUTOR_STATUSES: DistributorStatus[] = ['none', 'applied', 'active', 'rejected', 'disabled'];

export interface Me {
  id: number;
  /** null for a member who signed in by WeChat and never gave a phone */
  phone: string | null;
  nickname: string;
  avatarUrl: string | null;
  hqRole: HqRole | null;
  distributorStatus: DistributorStatus;
  tierId: number | null;
  groupId: number | null;
  /** a one-time password (npm run create-owner): a new one must be set before anything else */
  mustChangePassword?: boolean;
  /** TOTP two-step verification is on */
  mfaEnabled?: boolean;
  hasPassword?: boolean;
  /** the parties this member acts for (supplier, dealer, agent, store staff): their console pages */
  parties?: Array<{ kind: string; id: number; name: string }>;
}

/** What every sign-in answers (and a password change: the other sessions end). */
export interface AuthResult {
  token: string;
  refreshToken: string;
  expiresInSeconds: number;
  member: Omit<Me, 'parties'>;
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

export interface Page<T> {
  total: number;
  items: T[];
}

export interface Items<T> {
  items: T[];
}

export interface Balances {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
  totalEarnedFen: number;
  todayFen: number;
  earningCount: number;
}

export interface MemberDetail extends Member {
  referrer: { referrerId: number; source: string; boundAt: string; expiresAt: string | null } | null;
  uplines: Array<{ id: number; nickname: string; phone: string; distributorStatus: DistributorStatus; tierId: number | null; distance: number }>;
  team: { teamSize: number; directCount: number; teamSalesFen: number; maxDepth: number };
  balances: Balances;
  bindingHistory: Array<{ id: number; oldReferrerId: number | null; newReferrerId: number | null; source: string; reason: string | null; actorId: number | null; createdAt: string }>;
}

export interface TeamMember {
  id: number;
  nickname: string;
  phone: string;
  avatarUrl: string | null;
  distributorStatus: DistributorStatus;
  joinedAt: string;
  level: number;
  salesFen: number;
  orderCount: number;
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

export interface Sku {
  id: number;
  name: string;
  priceFen: number;
  stock: number;
}

export interface Product {
  id: number;
  title: string;
  description: string;
  imageUrl: string | null;
  category: string;
  status: 'on_sale' | 'off_sale';
  skus: Sku[];
  minPriceFen: number;
}

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'closed' | 'refunded';
export const ORDER_STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded'];

export interface OrderRow {
  id: number;
  orderNo: string;
  buyerId: number;
  buyerNickname: string;
  buyerPhone: string;
  status: OrderStatus;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  source: string;
  createdAt: string;
  paidAt: string | null;
  summary: string;
}

export interface OrderLine {
  id: number;
  productId: number;
  skuId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
  refundedFen: number;
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

export interface RefundRow {
  id: number;
  refundNo: string;
  orderId?: number;
  orderNo?: string;
  status: 'processing' | 'succeeded' | 'failed';
  amountFen: number;
  shippingFen?: number;
  reason: string;
  createdAt: string;
  completedAt: string | null;
}

export interface OrderDetail {
  id: number;
  orderNo: string;
  buyerId: number;
  status: OrderStatus;
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  source: string;
  sharerId: number | null;
  ruleVersionId: number | null;
  paidAt: string | null;
  shippedAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  lines: OrderLine[];
  refunds: RefundRow[];
  payments: Array<{ id: number; provider: string; outTradeNo: string; amountFen: number; status: string; providerTxnId: string | null; paidAt: string | null; createdAt: string }>;
  earnings: Earning[];
}

export interface RefundRequest {
  id: number;
  orderId: number;
  orderNo: string;
  buyerId: number;
  lines: Array<{ lineId: number; amountFen: number }>;
  shippingFen: number;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  refundId: number | null;
  reviewReason: string | null;
  createdAt: string;
  reviewedAt: string | null;
}

export type PayoutStatus = 'reviewing' | 'processing' | 'paid' | 'rejected' | 'failed';
export const PAYOUT_STATUSES: PayoutStatus[] = ['reviewing', 'processing', 'paid', 'rejected', 'failed'];

export interface Payout {
  id: number;
  payoutNo: string;
  memberId: number;
  memberNickname?: string;
  amountFen: number;
  feeFen: number;
  netFen: number;
  channel: 'wechat' | 'alipay' | 'bank';
  destination: Record<string, string>;
  status: PayoutStatus;
  attempts: number;
  autoApproved: boolean;
  rejectReason: string | null;
  failureReason: string | null;
  reviewedAt: string | null;
  paidAt: string | null;
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

// --- rules ---
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

export interface DryRunResult {
  ruleVersionId: number;
  quote: {
    lines: Array<{ skuId: number; productId: number; title: string; quantity: number; unitPriceFen: number; discountFen: number; paidFen: number }>;
    goodsFen: number;
    discountFen: number;
    shippingFen: number;
    payableFen: number;
  };
  earnings: Array<{ earnerId: number; earnerNickname?: string; level: number; baseFen: number; rateBp: number; amountFen: number; lineIndex: number }>;
  totalCommissionFen: number;
}
