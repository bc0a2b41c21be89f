// Shapes of the channels API (agents, levels, targets, stores) as the console uses them.
export type AgentState = 'active' | 'upcoming' | 'expired' | 'suspended';

export interface Agent {
  id: number;
  memberId: number;
  nickname: string;
  kind: 'regional' | 'non_regional';
  regionLevel: 'province' | 'city' | 'district' | null;
  regionCode: string | null;
  parentAgentId: number | null;
  rateBp: number;
  levelId: number | null;
  levelName: string | null;
  salesAwardBp: number | null;
  termStart: string;
  termEnd: string;
  status: 'active' | 'suspended';
  state: AgentState;
}

export interface AgentLevel {
  id: number;
  name: string;
  salesAwardBp: number;
  referralAwardFen: number;
}

export interface QuarterProgress {
  quarter: number;
  from: string;
  to: string;
  targetFen: number;
  achievedFen: number;
  progressPermille: number;
}

export interface TargetProgress {
  agentId: number;
  year: number;
  hasTarget: boolean;
  targetFen: number;
  achievedFen: number;
  progressPermille: number;
  quarters: QuarterProgress[];
  years: number[];
}

export interface AgentEarning {
  id: number;
  kind: 'agent_regional' | 'agent_sales';
  orderId: number;
  orderNo: string;
  baseFen: number;
  rateBp: number | null;
  amountFen: number;
  reversedFen: number;
  state: string;
  createdAt: string;
}

export interface AgentEarnings {
  summary: { pendingFen: number; frozenFen: number; availableFen: number; referralAwardFen: number };
  items: AgentEarning[];
  referralAwards: Array<{ appointedAgentId: number; nickname: string; amountFen: number; createdAt: string }>;
}

export interface AgentOrder {
  id: number;
  orderNo: string;
  status: string;
  paidAt: string;
  goodsPaidFen: number;
  refundedFen: number;
  awardFen: number;
}

export interface Store {
  id: number;
  name: string;
  regionCode: string;
  address: string;
  latitude: number;
  longitude: number;
  openingHours: string;
  phone: string | null;
  status: 'open' | 'closed';
}

export interface StoreSummary {
  store: Store;
  boundCustomers: number;
  creditedOrders: number;
  creditedNetFen: number;
  pickupsRedeemed: number;
  pickupsWaiting: number;
}

export interface StoreOrder {
  id: number;
  orderNo: string;
  status: string;
  deliveryMethod: 'express' | 'pickup';
  paidFen: number;
  refundedFen: number;
  paidAt: string;
  buyerNickname: string;
  creditedStoreId: number | null;
  pickupStoreId: number | null;
  redeemedAt: string | null;
}

export interface StoreCustomer {
  memberId: number;
  nickname: string;
  phone: string;
  source: 'pickup' | 'scan' | 'hq';
  boundAt: string;
  orderCount: number;
}
