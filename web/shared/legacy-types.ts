// Hand-written API shapes, in one place for both apps: what the generated types (api-types.ts, from
// /openapi.json) do not say precisely enough yet. When a route's response schema covers one, run
// `npx tsx scripts/gen-api-types.ts` and replace it in types.ts with ResponseOf<…> (web/shared/api.ts).
// Money is integer fen, rates are basis points, times are ISO strings.
import type { RuleVersionSummary } from './types';

// --- lists ---
export interface Items<T> {
  items: T[];
}

export interface Page<T> extends Items<T> {
  total: number;
}

// --- catalog ---

// --- orders ---

// --- referral ---

// --- commission and withdrawals ---


// --- the shop ---

// --- the console ---
/** A party the member acts for (supplier, dealer, agent, store staff): it opens that party's console pages. */
/** (/api/me's schema says `parties: unknown[]`) */
export interface Party {
  kind: string;
  id: number;
  name: string;
}

export type CommissionOverride = { mode: 'rate'; ratesBp: number[] } | { mode: 'fixed'; amountsFen: number[] };

/** The rules as the console's form reads and writes them: sections keep keys the console does not know (index signatures), which the generated type of GET /api/admin/rules does not allow for. */
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
  order: { shippingFen: number; freeShippingMinFen: number; fullReduction: Array<{ thresholdFen: number; offFen: number }>; unpaidCloseMinutes?: number; autoReceiveDays?: number; receiveExtensionDays?: number; returnShipDays?: number; afterSalesReviewDays?: number; returnReceiveDays?: number; returnAddress?: { name: string; phone: string; address: string }; [k: string]: unknown };
  [k: string]: unknown;
}

export interface RulesResponse {
  current: { id: number; config: RuleConfig; note: string | null; createdBy: number | null; createdAt: string };
  versions: RuleVersionSummary[];
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
