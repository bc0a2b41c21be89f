// The API's shapes for both web apps: generated from /openapi.json where the route has a response
// schema (api-types.ts through ResponseOf), hand-written in legacy-types.ts where it has none yet.
import type { ItemOf, ResponseOf } from './api';
import type { Party } from './legacy-types';

export type * from './legacy-types';
export type { ShippingAddress } from './address';

export type HqRole = NonNullable<ResponseOf<'/api/me'>['hqRole']>;
export type DistributorStatus = ResponseOf<'/api/me'>['distributorStatus'];

// --- sign-in (every sign-in answers AuthResult; store it with setSession) ---
export type AuthProviders = ResponseOf<'/api/auth/providers'>;
/** An answer to the password, SMS code or WeChat sign-in: a session, or (HQ staff with TOTP) the second step's token. */
export type SignInAnswer = ResponseOf<'/api/auth/login', 'post'>;
/** What every completed sign-in answers: an access token (15 min), the refresh token that renews it, the member. */
export type AuthResult = ResponseOf<'/api/auth/mfa', 'post'>;
export type MfaChallenge = Extract<SignInAnswer, { mfaRequired: true }>;
export type MemberProfile = AuthResult['member'];
/** GET /api/me: the profile, the referrer and the parties the member acts for. */
export type MeProfile = ResponseOf<'/api/me'>;
export type TotpSetup = ResponseOf<'/api/me/mfa/totp/setup', 'post'>;

/** The console's signed-in member: a sign-in's member (while /api/me waits on a security step) or /api/me's answer. */
export type ConsoleMe = MemberProfile & Partial<Pick<MeProfile, 'referrer'>> & { parties?: Party[] };

// --- catalog and referral ---
export type Product = ResponseOf<'/api/products/{id}'>;
export type Sku = Product['skus'][number];
/** An uploaded picture: its upright size and a WebP URL per rendition (large 1080, medium 540, thumb 240 px wide, never upscaled). */
export type MediaImage = ResponseOf<'/api/admin/media', 'post'>;
export type ProductImages = Product['images'];
export type ShopInfo = ResponseOf<'/api/shops/{inviteCode}'>;
export type TeamMember = ItemOf<ResponseOf<'/api/me/team'>>;
export type TeamSummary = ResponseOf<'/api/me/team/summary'>;
export type ShareLink = ResponseOf<'/api/me/share-link'>;

// --- orders ---
/** A checkout's price: lines after discounts, shipping, what is payable. */
export type Quote = ResponseOf<'/api/orders/quote', 'post'>;
export type QuoteLine = Quote['lines'][number];
/** One order as its buyer sees it (HQ's OrderDetail adds payments and earnings). */
export type Order = ResponseOf<'/api/orders/{id}'>;
export type OrderLine = Order['lines'][number];
/** A refund of an order (on the order's answer). */
export type Refund = Order['refunds'][number];
export type Parcel = Order['parcels'][number];
export type OrderStatus = Order['status'];
export type OrderSummary = ItemOf<ResponseOf<'/api/orders'>>;
/** A buyer's refund request (the buyer's list and HQ's answer the same). */
export type RefundRequest = ItemOf<ResponseOf<'/api/me/refund-requests'>>;

// --- commission and withdrawals ---
export type CommissionSummary = ResponseOf<'/api/me/commission/summary'>;
export type PromotionOrder = ItemOf<ResponseOf<'/api/me/promotion-orders'>>;
/** A withdrawal (the member's list and HQ's answer the same; HQ's list adds the member's nickname). */
export type Payout = ItemOf<ResponseOf<'/api/me/payouts'>> & { memberNickname?: string };
export type PayoutStatus = Payout['status'];
export type PayoutChannel = Payout['channel'];
export type NotificationItem = ItemOf<ResponseOf<'/api/me/notifications'>>;

// --- dealers ---
/** A dealer's own shop (GET /api/dealer/me): its tier and what it earned. */
export type DealerProfile = ResponseOf<'/api/dealer/me'>;
/** A dealer shop's public page: its products at the dealer's prices. */
export type DealerShop = ResponseOf<'/api/dealer-shops/{id}'>;
export type MyStockRow = ItemOf<ResponseOf<'/api/dealer/stock'>>;

// --- the console ---
export type Member = ItemOf<ResponseOf<'/api/admin/members'>>;
export type MemberDetail = ResponseOf<'/api/admin/members/{id}'>;
export type Balances = MemberDetail['balances'];
export type Tier = ItemOf<ResponseOf<'/api/admin/tiers'>>;
export type Group = ItemOf<ResponseOf<'/api/admin/groups'>>;
export type Application = ItemOf<ResponseOf<'/api/admin/distributor-applications'>>;
/** One order on HQ's list, with its buyer. */
export type OrderRow = ItemOf<ResponseOf<'/api/admin/orders'>>;
/** One order as HQ sees it: the buyer's view, the rule version, the payments and the earnings. */
export type OrderDetail = ResponseOf<'/api/admin/orders/{id}'>;
export type Earning = OrderDetail['earnings'][number];
/** A refund on HQ's list of refunds across orders. */
export type RefundListRow = ItemOf<ResponseOf<'/api/admin/refunds'>>;
export type AuditEntry = ItemOf<ResponseOf<'/api/admin/audit-log'>>;
export type Reconciliation = ResponseOf<'/api/admin/reconciliation'>;
export type Dashboard = ResponseOf<'/api/admin/dashboard'>;
export type PeriodFigures = Dashboard['today'];
export type RankingRow = ItemOf<ResponseOf<'/api/admin/commission/ranking'>>;
export type DryRunResult = ResponseOf<'/api/admin/commission/dry-run', 'post'>;
export type RuleVersionSummary = ResponseOf<'/api/admin/rules'>['versions'][number];
