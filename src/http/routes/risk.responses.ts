// Response schemas of the risk routes (routes/risk.ts): the queue, a hold with its identity graph,
// the risk rules' versions and the dry run.
import { z } from 'zod';
import { RISK_RULES, riskRulesSchema, SIGNAL_KINDS } from '../../modules/risk/index.js';
import { dateTime } from './common.responses.js';

const int = z.number().int();
const fen = z.number().int();
const signalKind = z.enum(SIGNAL_KINDS as [string, ...string[]]).describe('unionid, device, payout, address (with consignee phone): strong; phone, ip: weak');
export const riskRule = z.enum(RISK_RULES);
const earningKind = z.enum(['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate']);
const earningState = z.enum(['pending', 'frozen', 'available', 'reversed']);

export const riskReason = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('linked_buyer'), kinds: z.array(signalKind).describe('the strong signals the buyer and the earner share') }),
  z.object({ rule: z.literal('shared_signal'), kind: signalKind, buyers: int.describe('new buyers of this earner sharing it'), threshold: int }),
  z.object({ rule: z.literal('refund_rate'), refundBp: int.describe("what the earner's buyers got back, in basis points of what they paid"), orders: int, threshold: int }),
  z.object({ rule: z.literal('refund_burst'), orders: int.describe('orders paid and refunded within the window'), windowMinutes: int, threshold: int }),
  z.object({ rule: z.literal('daily_commission'), dayFen: fen.describe("the earner's commission that Shanghai day, this earning included"), threshold: fen }),
]);

export const riskHoldOut = z.object({
  id: int,
  earningId: int,
  orderId: int,
  orderNo: z.string(),
  earnerId: int,
  earnerNickname: z.string(),
  earnerPhone: z.string().nullable().describe('masked unless the role sees personal data'),
  buyerId: int,
  buyerNickname: z.string(),
  buyerPhone: z.string().nullable(),
  kind: earningKind,
  level: int,
  earningFen: fen.describe("the earning's amount"),
  reversedFen: fen,
  earningState,
  amountFen: fen.describe('what the earning still held when it was put on hold'),
  rule: riskRule.describe('the first rule that hit it'),
  reasons: z.array(riskReason),
  rulesVersionId: int,
  status: z.enum(['held', 'released', 'voided']),
  heldAt: dateTime,
  decidedBy: int.nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: dateTime.nullable(),
  decisionReason: z.string().nullable(),
  voidedFen: fen.nullable().describe('what the void reversed (0 when a refund had already taken it)'),
});

const graphSignal = z.object({
  kind: signalKind,
  label: z.string().describe('masked'),
  strong: z.boolean(),
  shared: z.boolean().describe('another member shown holds the same value'),
  firstSeenAt: dateTime,
  lastSeenAt: dateTime,
});

export const riskGraphOut = z.object({
  members: z.array(z.object({ id: int, nickname: z.string(), phone: z.string().nullable(), role: z.enum(['buyer', 'earner', 'linked']), signals: z.array(graphSignal) })),
  links: z.array(z.object({ a: int, b: int, kinds: z.array(signalKind), strong: z.boolean().describe('they share a strong signal: one person') })),
});

export const riskHoldDetailOut = z.object({ hold: riskHoldOut, graph: riskGraphOut });

export const riskRulesVersionOut = z.object({
  id: int,
  config: riskRulesSchema,
  note: z.string().nullable(),
  createdBy: int.nullable(),
  createdAt: dateTime,
});

export const riskRulesOut = z.object({ current: riskRulesVersionOut, versions: z.array(riskRulesVersionOut.omit({ config: true })) });

export const dryRunOut = z.object({
  since: dateTime,
  days: int,
  examined: int.describe('earnings judged (the newest 20 000 at most)'),
  truncated: z.boolean(),
  rules: z.array(
    z.object({
      rule: riskRule,
      enabled: z.boolean(),
      count: int,
      amountFen: fen,
      items: z.array(
        z.object({
          earningId: int,
          orderNo: z.string(),
          earnerId: int,
          earnerNickname: z.string(),
          buyerId: int,
          buyerNickname: z.string(),
          kind: earningKind,
          level: int,
          amountFen: fen,
          state: earningState,
          held: z.boolean().describe('held now (by this rule or another)'),
          createdAt: dateTime,
          reason: riskReason,
        }),
      ),
    }),
  ),
});
