// Response schemas of the agent routes (routes/agents.ts): what the agents service returns.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const agentKind = z.enum(['regional', 'non_regional']);
const agentStatus = z.enum(['active', 'suspended']);
const regionLevel = z.enum(['province', 'city', 'district']);

/** An agent as it was written (appointment of a regional agent). */
export const agentCreated = z.object({
  id: z.number(),
  kind: agentKind,
  status: agentStatus,
  memberId: z.number(),
  regionLevel: regionLevel.nullable(),
  regionCode: z.string().nullable(),
  parentAgentId: z.number().nullable(),
  rateBp: z.number(),
  termStart: dateTime,
  termEnd: dateTime,
});

/** An agent with its member's nickname, its level and its state today. */
export const agent = agentCreated.extend({
  state: z.enum(['active', 'suspended', 'upcoming', 'expired']),
  nickname: z.string(),
  levelId: z.number().nullable(),
  levelName: z.string().nullable(),
  salesAwardBp: z.number().nullable(),
});

export const agentAppointed = agent.extend({
  /** the award paid to the nearest agent above, if any */
  referralAward: z.object({ earnerId: z.number(), amountFen: z.number(), points: z.number() }).nullable(),
});

/** The agents row after a rate change (the table's own column names). */
export const agentRow = z.object({
  id: z.number(),
  member_id: z.number(),
  kind: agentKind,
  region_level: regionLevel.nullable(),
  region_code: z.string().nullable(),
  parent_agent_id: z.number().nullable(),
  rate_bp: z.number(),
  term_start: dateTime,
  term_end: dateTime,
  status: agentStatus,
  level_id: z.number().nullable(),
  created_at: dateTime,
});

export const agentLevel = z.object({
  id: z.number(),
  name: z.string(),
  salesAwardBp: z.number(),
  referralAwardFen: z.number().describe('cash, only under complianceOverride'),
  referralAwardPoints: z.number(),
  complianceOverride: z.object({ reason: z.string(), byId: z.number().nullable(), at: dateTime }).nullable(),
});

const progress = { targetFen: z.number(), achievedFen: z.number(), progressPermille: z.number() };
export const targetProgress = z.object({
  agentId: z.number(),
  year: z.number(),
  hasTarget: z.boolean(),
  ...progress,
  quarters: z.array(z.object({ quarter: z.number(), from: dateTime, to: dateTime, ...progress })),
});
export const targetProgressWithYears = targetProgress.extend({ years: z.array(z.number()) });

export const attributedOrders = itemsOf(
  z.object({
    id: z.number(),
    orderNo: z.string(),
    status: z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']),
    paidAt: dateTime.nullable(),
    goodsPaidFen: z.number(),
    refundedFen: z.number(),
    awardFen: z.number(),
  }),
);

export const agentEarnings = z.object({
  summary: z.object({ pendingFen: z.number(), frozenFen: z.number(), availableFen: z.number(), referralAwardFen: z.number(), referralAwardPoints: z.number() }),
  items: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(['agent_sales', 'distribution', 'agent_regional', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate']),
      state: z.enum(['pending', 'frozen', 'available', 'reversed']),
      orderNo: z.string(),
      orderId: z.number(),
      baseFen: z.number(),
      rateBp: z.number().nullable(),
      amountFen: z.number(),
      reversedFen: z.number(),
      frozenUntil: dateTime.nullable(),
      createdAt: dateTime,
    }),
  ),
  referralAwards: z.array(z.object({ nickname: z.string(), appointedAgentId: z.number(), amountFen: z.number(), points: z.number(), createdAt: dateTime })),
});

export const agentList = itemsOf(agent);
export const agentLevels = itemsOf(agentLevel);
