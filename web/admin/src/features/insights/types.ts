// Response shapes of /api/admin/insights/* (src/http/routes/insights.ts).

export interface MemberValueRow {
  memberId: number;
  nickname: string;
  phone: string;
  distributorStatus: string;
  joinedAt: string;
  lifetimeSpendFen: number;
  orderCount: number;
  directSocialFen: number;
  indirectSocialFen: number;
  socialValueFen: number;
  teamSize: number;
  directCount: number;
}

export interface MemberValueDetail extends Omit<MemberValueRow, 'joinedAt'> {
  referrerId: number | null;
  paidFen: number;
  refundedFen: number;
  byDepth: Array<{ depth: number; members: number; buyers: number; spendFen: number }>;
  journey: { fanAt: string; memberAt: string; firstOrderAt: string | null; distributorAt: string | null };
}

export interface TrendDay {
  date: string;
  orders: number;
  gmvFen: number;
  firstOrders: number;
  repeatOrders: number;
  referralOrders: number;
  otherOrders: number;
  repeatOrReferralOrders: number;
  repeatShareBp: number;
  referralShareBp: number;
  repeatOrReferralShareBp: number;
}

export interface Trends {
  from: string;
  to: string;
  days: TrendDay[];
  totals: Omit<TrendDay, 'date'>;
  repurchase: Record<'range' | 'overall', { buyers: number; repeatBuyers: number; rateBp: number }>;
}

export interface Funnel {
  views: number;
  visitors: number;
  registrations: number;
  firstOrders: number;
  visitorToRegistrationBp: number;
  registrationToFirstOrderBp: number;
  visitorToFirstOrderBp: number;
}

export type CycleSpan = 'fan_to_member' | 'member_to_first_order' | 'fan_to_first_order' | 'first_order_to_distributor' | 'member_to_distributor' | 'fan_to_distributor';

export interface CycleTimes {
  cohortMembers: number;
  spans: Array<{ span: CycleSpan; members: number; medianDays: number | null; p75Days: number | null; avgDays: number | null }>;
}

export interface ModeFigures {
  kind: string;
  orders: number;
  earners: number;
  baseFen: number;
  earnedFen: number;
  reversedFen: number;
  netFen: number;
  payables: { pendingFen: number; frozenFen: number; availableFen: number; availableUnwithdrawnFen: number };
}

export interface DeliveryFigures {
  orders: number;
  gmvFen: number;
  refundedFen: number;
  netFen: number;
}

export interface Channels {
  modes: ModeFigures[];
  payables: {
    pendingFen: number;
    frozenFen: number;
    availableUnwithdrawnFen: number;
    otherAvailableFen: number;
    withdrawingFen: number;
    debtFen: number;
    totalFen: number;
    paidOutFen: number;
  };
  delivery: { express: DeliveryFigures; pickup: DeliveryFigures };
}
