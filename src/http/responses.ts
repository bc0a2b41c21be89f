// Response schemas shared by routes: what the API answers. The serializer encodes every answer
// through its route's schema (a mismatch is a 500, and keys a z.object does not list are dropped), and
// the same schemas write the responses of /openapi.json, from which the web clients' types are made.
// So each schema lists every field its service returns, with the nullability it has.
import { z } from 'zod';
import { mediaImageOut, productImagesOut } from './media.responses.js';
import { AFTER_SALES_KINDS, AFTER_SALES_REASONS, REFUND_REQUEST_STATUSES } from '../modules/orders/index.js';

// --- scalars ---

/**
 * A moment. Services hand out Dates (some reads hand out ISO strings already); either goes out as
 * JSON.stringify sends it — a Date as its ISO 8601 UTC string, a string unchanged — and the document
 * says `string`, format date-time.
 */
export const dateTime = z
  .custom<Date | string>((value) => value instanceof Date || typeof value === 'string', 'a date and time')
  .meta({ type: 'string', format: 'date-time' });

/** Money: whole fen (分, 1/100 yuan). */
export const fenOut = z.number().int();
/** A database id, or a count. */
export const intOut = z.number().int();

// --- answers without a body ---

/** 204: nothing in the body. */
export const noContent = z.undefined().describe('No content');
/** 302: the browser goes on to the Location header. */
export const redirect = (description: string) => z.undefined().describe(description);

/** The bytes of a file; Fastify sends a Buffer as it is (no serializer runs). */
const fileBody = z.custom<Buffer>((value) => Buffer.isBuffer(value), 'file contents').meta({ type: 'string', format: 'binary' });
/** A file answer (export, poster, batch file): the body is the file, in one of these content types. */
export function file(description: string, ...contentTypes: string[]) {
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: fileBody }])) };
}
export const CSV = 'text/csv';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Server-sent events: the route writes the stream itself (no serializer runs). */
export function eventStream(description: string) {
  return { description, content: { 'text/event-stream': { schema: z.string().describe(description) } } };
}

/** Every error answer (see errors.ts): a code, a message, sometimes details or when to come back. */
export const errorOut = z.looseObject({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  retryAfterSeconds: z.number().int().optional().describe('with 429: also in the Retry-After header'),
});

// --- lists ---

/** `{ items }` */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}
/** `{ total, items }`: one page of a list and how many there are in all. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ total: intOut, items: z.array(item) });
}

// --- members ---

export const hqRoleOut = z.enum(['owner', 'operator', 'finance', 'support', 'auditor']);
export const distributorStatusOut = z.enum(['none', 'applied', 'active', 'rejected', 'disabled']);

/** A member as the members service reads them (HQ lists mask the phone for roles that may not see it). */
export const memberOut = z.object({
  id: intOut,
  phone: z.string().nullable(),
  nickname: z.string(),
  avatarUrl: z.string().nullable(),
  hqRole: hqRoleOut.nullable(),
  inviteCode: z.string(),
  distributorStatus: distributorStatusOut,
  distributorSince: dateTime.nullable(),
  tierId: intOut,
  groupId: intOut.nullable(),
  createdAt: dateTime,
});

/** The member as the API shows them to themselves: the profile and their account's settings. */
export const memberViewOut = memberOut.extend({
  mustChangePassword: z.boolean(),
  hasPassword: z.boolean(),
  mfaEnabled: z.boolean(),
  wechat: z.array(z.enum(['oa', 'mp'])).describe('WeChat apps this member signs in with: 公众号 (oa), 小程序 (mp)'),
});

/** A member of a team (the referral tree below someone). */
export const teamMemberOut = z.object({
  id: intOut,
  nickname: z.string(),
  phone: z.string().nullable().describe('masked unless the viewer may see it'),
  avatarUrl: z.string().nullable(),
  distributorStatus: distributorStatusOut,
  joinedAt: dateTime,
  level: intOut.describe('1 = a direct referral'),
  salesFen: fenOut,
  orderCount: intOut,
});

export const teamSummaryOut = z.object({
  teamSize: intOut,
  directCount: intOut,
  teamSalesFen: fenOut,
  maxDepth: intOut,
});

/** A member's ledger balances. */
export const balancesOut = z.object({
  pendingFen: fenOut,
  frozenFen: fenOut,
  availableFen: fenOut,
  withdrawingFen: fenOut,
  debtFen: fenOut.describe('owed back after refunds of money already paid out (0 or negative)'),
});

/** Commission totals with the balances. */
export const commissionSummaryOut = balancesOut.extend({
  totalEarnedFen: fenOut,
  todayFen: fenOut,
  earningCount: intOut,
  heldFen: fenOut.describe('what earnings under review (审核中: a risk rule held them) still hold; it is in pending or frozen, never available'),
});

// --- catalog ---

export const specAttributeOut = z.object({ name: z.string().describe('颜色, 尺码 …'), values: z.array(z.string()).describe('in display order') });
export const skuOut = z.object({
  id: intOut,
  name: z.string().describe('the spec values joined by " / " (or a free name without specs)'),
  specValues: z.array(z.string()).describe("the SKU's value of each of the product's spec attributes, in their order"),
  priceFen: fenOut,
  listPriceFen: fenOut.nullable().describe('划线价: shown struck through, always above priceFen; null for none'),
  stock: intOut,
  image: mediaImageOut.nullable().describe('the SKU’s own picture (the spec picker shows it), or null for the product’s'),
});
export const productOut = z.object({
  id: intOut,
  title: z.string(),
  description: z.string(),
  imageUrl: z.string().nullable(),
  images: productImagesOut,
  category: z.string(),
  status: z.enum(['on_sale', 'off_sale']),
  selectable: z.boolean().describe('distributors may pick it for their mini-shops (选品)'),
  soldCount: intOut.describe('已售: units paid for'),
  maxPerMember: intOut.nullable().describe('限购: the most one member may hold in open and paid orders (409 PURCHASE_LIMIT_REACHED past it); null: no limit'),
  specs: z.array(specAttributeOut).describe('规格: the attributes that generate the SKU matrix (empty: a single SKU, or SKUs by name)'),
  skus: z.array(skuOut).describe('the SKUs on sale, in matrix order (the first attribute varies slowest)'),
  minPriceFen: fenOut,
});

// --- orders ---

export const orderStatusOut = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']);
export const orderSourceOut = z.enum(['share_link', 'poster', 'store', 'direct']);
export const refundStatusOut = z.enum(['processing', 'succeeded', 'failed', 'overpaid']);

/** Keys in the order jsonb keeps them (shorter first), which is the order orders send them in. */
export const shippingAddressOut = z.object({
  city: z.string(),
  name: z.string(),
  phone: z.string(),
  detail: z.string(),
  district: z.string(),
  province: z.string(),
  regionCode: z.string().describe('6-digit district code (GB/T 2260)'),
});

export const orderLineOut = z.object({
  id: intOut,
  productId: intOut,
  skuId: intOut,
  title: z.string(),
  quantity: intOut,
  unitPriceFen: fenOut,
  discountFen: fenOut,
  paidFen: fenOut,
  refundedFen: fenOut,
});

export const orderRefundOut = z.object({
  id: intOut,
  refundNo: z.string(),
  status: refundStatusOut,
  amountFen: fenOut,
  shippingFen: fenOut,
  reason: z.string(),
  createdAt: dateTime,
  completedAt: dateTime.nullable(),
});

export const trackingStateOut = z.enum(['in_transit', 'collected', 'problem', 'delivered', 'returned', 'out_for_delivery', 'customs', 'rejected']);

/** A parcel of an order, with what the tracking provider last pushed. */
export const parcelOut = z.object({
  id: intOut,
  carrierCode: z.string().nullable().describe('the 快递100 company code when the carrier is a known one'),
  carrierName: z.string(),
  trackingNo: z.string(),
  shippedBy: z.enum(['hq', 'supplier']),
  shippedAt: dateTime,
  trackingState: trackingStateOut.nullable().describe('null until the provider reported'),
  trackingUpdatedAt: dateTime.nullable(),
  deliveredAt: dateTime.nullable(),
  events: z.array(z.object({ at: z.string().describe('ISO 8601'), text: z.string(), area: z.string().optional() })).describe('newest first'),
});

/** One order with its lines and refunds. */
export const orderOut = z.object({
  id: intOut,
  orderNo: z.string(),
  buyerId: intOut,
  status: orderStatusOut,
  goodsFen: fenOut,
  discountFen: fenOut,
  shippingFen: fenOut,
  payableFen: fenOut,
  paidFen: fenOut,
  refundedFen: fenOut,
  source: orderSourceOut,
  sharerId: intOut.nullable(),
  ruleVersionId: intOut.nullable(),
  paidAt: dateTime.nullable(),
  shippedAt: dateTime.nullable(),
  completedAt: dateTime.nullable(),
  closedAt: dateTime.nullable(),
  createdAt: dateTime,
  shippingAddress: shippingAddressOut.nullable().describe('consignee masked for roles that do not ship'),
  deliveryMethod: z.enum(['express', 'pickup']),
  storeId: intOut.nullable(),
  pickup: z.object({ code: z.string(), redeemedAt: dateTime.nullable() }).nullable().describe("the pickup code: the buyer's only"),
  lines: z.array(orderLineOut),
  refunds: z.array(orderRefundOut),
  parcels: z.array(parcelOut),
  receiveDueAt: dateTime.nullable().describe('a shipped order completes by itself then (自动确认收货)'),
  receiveExtendedAt: dateTime.nullable().describe("when the buyer used the one extension (延长收货)"),
  buyerNote: z.string().nullable().describe('买家留言'),
  invoice: z
    .object({ kind: z.enum(['personal', 'company']), title: z.string(), taxNo: z.string().optional().describe("a company's unified social credit code") })
    .nullable()
    .describe('发票 the buyer asked for'),
  campaign: z
    .object({ kind: z.enum(['flash_sale', 'group_buy', 'bargain']), id: intOut, groupId: intOut.optional() })
    .nullish()
    .describe('bought in a campaign (秒杀, 拼团, 砍价): its kind and id'),
});

/** An order in a list. */
export const orderListItemOut = z.object({
  id: intOut,
  orderNo: z.string(),
  buyerId: intOut,
  buyerNickname: z.string(),
  buyerPhone: z.string().nullable(),
  status: orderStatusOut,
  payableFen: fenOut,
  paidFen: fenOut,
  refundedFen: fenOut,
  source: orderSourceOut,
  deliveryMethod: z.enum(['express', 'pickup']),
  createdAt: dateTime,
  paidAt: dateTime.nullable(),
  summary: z.string().describe('the lines in a few words'),
  imageUrl: z.string().nullable().describe("the first line's product picture"),
  campaign: z
    .object({ kind: z.enum(['flash_sale', 'group_buy', 'bargain']), id: intOut, groupId: intOut.optional() })
    .nullish()
    .describe('bought in a campaign (秒杀, 拼团, 砍价): its kind and id'),
});

/** A priced cart. */
export const quoteOut = z.object({
  lines: z.array(z.object({
    skuId: intOut,
    productId: intOut,
    title: z.string(),
    quantity: intOut,
    unitPriceFen: fenOut,
    discountFen: fenOut,
    paidFen: fenOut,
  })),
  goodsFen: fenOut,
  discountFen: fenOut,
  shippingFen: fenOut,
  payableFen: fenOut,
});

/** A buyer's request for a refund, which HQ support reviews. */
export const refundRequestStatusOut = z.enum(REFUND_REQUEST_STATUSES).describe('pending review; awaiting_return (approved return, the buyer ships it back); returning (on its way back); approved (refund opened); rejected; cancelled by the buyer; expired (not sent back in time)');
export const afterSalesKindOut = z.enum(AFTER_SALES_KINDS).describe('refund_only (仅退款) or return_refund (退货退款)');
export const afterSalesReasonOut = z.enum(AFTER_SALES_REASONS);

export const refundRequestOut = z.object({
  id: intOut,
  orderId: intOut,
  orderNo: z.string(),
  buyerId: intOut,
  kind: afterSalesKindOut,
  reasonCode: afterSalesReasonOut,
  lines: z.array(z.object({ lineId: intOut, amountFen: fenOut })),
  shippingFen: fenOut,
  reason: z.string(),
  status: refundRequestStatusOut,
  refundId: intOut.nullable(),
  reviewReason: z.string().nullable(),
  createdAt: dateTime,
  reviewedAt: dateTime.nullable(),
  returnAddress: z.object({ name: z.string(), phone: z.string(), address: z.string() }).nullable().describe('where an approved return goes'),
  returnDueAt: dateTime.nullable().describe('the return must leave the buyer by then'),
  returnCarrierCode: z.string().nullable(),
  returnCarrierName: z.string().nullable(),
  returnTrackingNo: z.string().nullable(),
  returnShippedAt: dateTime.nullable(),
  receivedAt: dateTime.nullable().describe('HQ confirmed the return arrived'),
  closedAt: dateTime.nullable(),
  reviewDueAt: dateTime.nullable().describe('pending: not reviewed by then, the request is approved by itself (商家逾期自动同意; the rules’ afterSalesReviewDays); else null'),
  receiveDueAt: dateTime.nullable().describe('returning: not confirmed by then, the return is received and refunded by itself (the rules’ returnReceiveDays after the parcel); else null'),
});

// --- payments ---

export const paymentOut = z.object({
  id: intOut,
  provider: z.string(),
  method: z.string(),
  outTradeNo: z.string(),
  amountFen: fenOut,
  status: z.enum(['created', 'succeeded', 'closed']),
  providerTxnId: z.string().nullable(),
  paidAt: dateTime.nullable(),
  createdAt: dateTime,
});

// --- commission ---

export const earningOut = z.object({
  id: intOut,
  orderId: intOut,
  orderNo: z.string(),
  orderLineId: intOut,
  earnerId: intOut,
  earnerNickname: z.string(),
  buyerId: intOut,
  buyerNickname: z.string(),
  kind: z.enum(['distribution', 'agent_regional', 'agent_sales', 'coupon_guide', 'supplier_settlement', 'dealer_sale', 'dealer_rebate']),
  level: intOut,
  baseFen: fenOut,
  rateBp: intOut.nullable().describe('basis points; null for a fixed amount'),
  amountFen: fenOut,
  reversedFen: fenOut,
  state: z.enum(['pending', 'frozen', 'available', 'reversed']),
  ruleVersionId: intOut,
  frozenUntil: dateTime.nullable(),
  createdAt: dateTime,
  orderStatus: orderStatusOut,
  riskHold: z.boolean().describe('under review (审核中): a risk rule held it; it does not unfreeze until finance lets it go'),
});

// --- withdrawals ---

export const payoutOut = z.object({
  id: intOut,
  payoutNo: z.string(),
  memberId: intOut,
  amountFen: fenOut,
  feeFen: fenOut,
  netFen: fenOut,
  channel: z.enum(['wechat', 'alipay', 'bank']),
  destination: z.record(z.string(), z.string()).describe('realName, account, bankName, accountNo, openid as the channel needs'),
  status: z.enum(['reviewing', 'processing', 'paid', 'rejected', 'failed']),
  attempts: intOut,
  autoApproved: z.boolean(),
  rejectReason: z.string().nullable(),
  failureReason: z.string().nullable(),
  reviewedAt: dateTime.nullable(),
  paidAt: dateTime.nullable(),
  createdAt: dateTime,
  awaitingConfirmation: z.boolean().describe('WeChat 商家转账: the receiver still has to confirm in the shop'),
});
