// Shapes of the API's JSON (see /openapi.json and src/http/routes). Money is integer fen.

export type DistributorStatus = 'none' | 'applied' | 'active' | 'rejected' | 'disabled';
export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'closed' | 'refunded';
export type EarningState = 'pending' | 'frozen' | 'available' | 'reversed';
export type PayoutStatus = 'reviewing' | 'processing' | 'paid' | 'rejected' | 'failed';
export type PayoutChannel = 'wechat' | 'alipay' | 'bank';

export interface MemberProfile {
  id: number;
  /** null for a member who signed in by WeChat and never gave a phone */
  phone: string | null;
  nickname: string;
  avatarUrl: string | null;
  hqRole: string | null;
  inviteCode: string;
  distributorStatus: DistributorStatus;
  distributorSince: string | null;
  tierId: number;
  groupId: number | null;
  createdAt: string;
  /** a one-time password: set a new one before anything else */
  mustChangePassword: boolean;
  mfaEnabled: boolean;
  hasPassword: boolean;
}

export interface MeProfile extends MemberProfile {
  referrer: { id: number; nickname: string; avatarUrl: string | null; boundAt: string } | null;
}

/** What every sign-in answers: an access token (15 min), the refresh token that renews it, the member. */
export interface AuthResult {
  token: string;
  refreshToken: string;
  expiresInSeconds: number;
  member: MemberProfile;
}

/** HQ staff with a second factor: the password (or SMS code, or WeChat) was right, a TOTP code is still owed. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
}

export type SignInAnswer = AuthResult | MfaChallenge;

export interface AuthProviders {
  smsLogin: boolean;
  devSms: boolean;
  wechatOa: boolean;
  wechatMiniProgram: boolean;
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
  status: string;
  skus: Sku[];
  minPriceFen: number;
}

export interface ShopInfo {
  nickname: string;
  avatarUrl: string | null;
  isDistributor: boolean;
  inviteCode: string;
}

export interface QuoteLine {
  skuId: number;
  productId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
}

export interface Quote {
  lines: QuoteLine[];
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  payableFen: number;
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

export interface Refund {
  id: number;
  refundNo: string;
  status: 'processing' | 'succeeded' | 'failed' | string;
  amountFen: number;
  shippingFen: number;
  reason: string;
  createdAt: string;
  completedAt: string | null;
}

export interface Order {
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
  paidAt: string | null;
  shippedAt: string | null;
  completedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  lines: OrderLine[];
  refunds: Refund[];
}

export interface OrderSummary {
  id: number;
  orderNo: string;
  status: OrderStatus;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  source: string;
  createdAt: string;
  paidAt: string | null;
  summary: string | null;
}

export interface RefundRequest {
  id: number;
  orderId: number;
  orderNo?: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string;
  reviewReason?: string | null;
  createdAt: string;
}

export interface CommissionSummary {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
  totalEarnedFen: number;
  todayFen: number;
  withdrawnFen: number;
  earningCount?: number;
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

export interface TeamSummary {
  teamSize: number;
  directCount: number;
  teamSalesFen: number;
  maxDepth?: number;
}

export interface PromotionOrder {
  orderId: number;
  orderNo: string;
  orderStatus: OrderStatus;
  paidFen: number;
  refundedFen: number;
  paidAt: string | null;
  buyerNickname: string;
  level: number;
  amountFen: number;
  reversedFen: number;
  states: string;
}

export interface Payout {
  id: number;
  payoutNo: string;
  amountFen: number;
  feeFen: number;
  netFen: number;
  channel: PayoutChannel;
  destination: Record<string, string>;
  status: PayoutStatus;
  rejectReason: string | null;
  failureReason: string | null;
  paidAt: string | null;
  createdAt: string;
}

export interface ShareLink {
  inviteCode: string;
  url: string;
  path: string;
}

export interface NotificationItem {
  id: number;
  kind: 'commission.earned' | 'commission.reversed' | 'payout.changed' | string;
  title: string;
  body: string;
  amountFen: number | null;
  readAt: string | null;
  createdAt: string;
}
