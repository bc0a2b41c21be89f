// The columns of the console's order, commission, payout and after-sales exports (admin-exports.ts),
// with their headers and labels in zh (the default) and en; the ledger's are in
// admin-exports.ledger-columns.ts. Money columns hold fen (see exports.ts); times are Asia/Shanghai
// wall time. Personal data arrives masked for the viewer's role (ExportViewer).
import type { OrderExportLine, RefundRequestExportRow } from '../../modules/analytics/index.js';
import type { Services } from '../../services.js';
import { maskName, maskPhone } from '../../privacy.js';
import { shanghaiDateTime, type ExportColumn } from '../exports.js';

export type ExportLang = 'zh' | 'en';
export type Label = { zh: string; en: string };
export type Spec<T> = Omit<ExportColumn<T>, 'header'> & { header: Label };

export function localise<T>(lang: ExportLang, specs: Spec<T>[]): ExportColumn<T>[] {
  return specs.map((s) => ({ ...s, header: s.header[lang] }));
}

export function labelOf(labels: Record<string, Label>, lang: ExportLang, value: string): string {
  return labels[value]?.[lang] ?? value;
}

const ORDER_STATUS: Record<string, Label> = {
  pending_payment: { zh: '待付款', en: 'Awaiting payment' },
  paid: { zh: '待发货', en: 'To ship' },
  shipped: { zh: '已发货', en: 'Shipped' },
  completed: { zh: '已完成', en: 'Completed' },
  closed: { zh: '已关闭', en: 'Closed' },
  refunded: { zh: '已退款', en: 'Refunded' },
};
const ORDER_SOURCE: Record<string, Label> = {
  share_link: { zh: '分享链接', en: 'Share link' },
  poster: { zh: '海报', en: 'Poster' },
  store: { zh: '门店', en: 'Store' },
  direct: { zh: '直接访问', en: 'Direct' },
};
export const EARNING_KIND: Record<string, Label> = {
  distribution: { zh: '分销佣金', en: 'Distribution commission' },
  agent_regional: { zh: '区域代理奖励', en: 'Regional agent award' },
  agent_sales: { zh: '代理销售奖', en: 'Agent sales award' },
  coupon_guide: { zh: '导购返佣', en: 'Coupon guide rebate' },
  supplier_settlement: { zh: '供应商结算', en: 'Supplier settlement' },
  dealer_sale: { zh: '订货商销售', en: 'Dealer sale' },
  dealer_rebate: { zh: '订货商返利', en: 'Dealer rebate' },
};
const EARNING_STATE: Record<string, Label> = {
  pending: { zh: '待结算', en: 'Pending' },
  frozen: { zh: '冻结中', en: 'Frozen' },
  available: { zh: '可提现', en: 'Available' },
  reversed: { zh: '已冲回', en: 'Reversed' },
};
const PAYOUT_STATUS: Record<string, Label> = {
  reviewing: { zh: '待审核', en: 'In review' },
  processing: { zh: '打款中', en: 'Sending' },
  paid: { zh: '已到账', en: 'Paid' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  failed: { zh: '失败', en: 'Failed' },
};
const PAYOUT_CHANNEL: Record<string, Label> = {
  wechat: { zh: '微信零钱', en: 'WeChat balance' },
  alipay: { zh: '支付宝', en: 'Alipay' },
  bank: { zh: '银行卡', en: 'Bank card' },
};

/** How the viewer sees personal data: phones as phoneViewFor gives them; the consignee whole only for fulfilment. */
export interface ExportViewer {
  phoneOf: (phone: string | null) => string | null;
  /** owner, operator, support: the order detail shows them the consignee whole */
  consigneeWhole: boolean;
}

function consignee(line: OrderExportLine, viewer: ExportViewer) {
  const a = line.shippingAddress;
  if (!a) return { name: null, phone: null, address: null };
  const region = [a.province, a.city, a.district].filter(Boolean).join(' ');
  if (viewer.consigneeWhole) return { name: a.name, phone: a.phone, address: `${region} ${a.detail}`.trim() };
  // masked as the order detail masks them; the street is left out too: a file travels further than a screen
  return { name: maskName(a.name), phone: maskPhone(a.phone), address: region };
}

export function orderColumns(lang: ExportLang, viewer: ExportViewer): ExportColumn<OrderExportLine>[] {
  // the order's own amounts stand on its first line only, blank on the others: summing a column
  // then gives the total of the orders exported (repeating them would count an order once per line)
  const orderOnly = (fen: (l: OrderExportLine) => number) => (l: OrderExportLine) => (l.firstLine ? fen(l) : null);
  return localise<OrderExportLine>(lang, [
    { header: { zh: '订单号', en: 'Order no' }, value: (l) => l.orderNo, width: 24 },
    { header: { zh: '下单时间', en: 'Created at' }, value: (l) => shanghaiDateTime(l.createdAt), width: 20 },
    { header: { zh: '付款时间', en: 'Paid at' }, value: (l) => shanghaiDateTime(l.paidAt), width: 20 },
    { header: { zh: '发货时间', en: 'Shipped at' }, value: (l) => shanghaiDateTime(l.shippedAt), width: 20 },
    { header: { zh: '完成时间', en: 'Completed at' }, value: (l) => shanghaiDateTime(l.completedAt), width: 20 },
    { header: { zh: '订单状态', en: 'Status' }, value: (l) => labelOf(ORDER_STATUS, lang, l.status), width: 10 },
    { header: { zh: '买家ID', en: 'Buyer ID' }, value: (l) => l.buyerId, width: 10 },
    { header: { zh: '买家昵称', en: 'Buyer nickname' }, value: (l) => l.buyerNickname },
    { header: { zh: '买家手机号', en: 'Buyer phone' }, value: (l) => viewer.phoneOf(l.buyerPhone), width: 14 },
    { header: { zh: '收货人', en: 'Consignee' }, value: (l) => consignee(l, viewer).name, width: 10 },
    { header: { zh: '收货人电话', en: 'Consignee phone' }, value: (l) => consignee(l, viewer).phone, width: 14 },
    { header: { zh: '收货地址', en: 'Address' }, value: (l) => consignee(l, viewer).address, width: 36 },
    { header: { zh: '商品', en: 'Item' }, value: (l) => l.title, width: 28 },
    { header: { zh: '数量', en: 'Quantity' }, value: (l) => l.quantity, width: 8 },
    { header: { zh: '单价(元)', en: 'Unit price (CNY)' }, value: (l) => l.unitPriceFen, money: true, width: 12 },
    { header: { zh: '商品实付(元)', en: 'Line paid (CNY)' }, value: (l) => l.linePaidFen, money: true, width: 12 },
    { header: { zh: '商品退款(元)', en: 'Line refunded (CNY)' }, value: (l) => l.lineRefundedFen, money: true, width: 12 },
    { header: { zh: '订单商品金额(元)', en: 'Order goods (CNY)' }, value: orderOnly((l) => l.goodsFen), money: true, width: 14 },
    { header: { zh: '订单优惠(元)', en: 'Order discount (CNY)' }, value: orderOnly((l) => l.discountFen), money: true, width: 12 },
    { header: { zh: '运费(元)', en: 'Shipping (CNY)' }, value: orderOnly((l) => l.shippingFen), money: true, width: 10 },
    { header: { zh: '订单实付(元)', en: 'Order paid (CNY)' }, value: orderOnly((l) => l.paidFen), money: true, width: 12 },
    { header: { zh: '订单退款(元)', en: 'Order refunded (CNY)' }, value: orderOnly((l) => l.refundedFen), money: true, width: 12 },
    { header: { zh: '来源', en: 'Source' }, value: (l) => labelOf(ORDER_SOURCE, lang, l.source), width: 10 },
    { header: { zh: '分享人ID', en: 'Sharer ID' }, value: (l) => l.sharerId, width: 10 },
  ]);
}

export type EarningExportRow = Awaited<ReturnType<Services['commission']['earnings']>>[number];

/** basis points as a percentage with two decimals (1000 → 10.00%); none for a fixed amount */
function percent(bp: number | null): string | null {
  if (bp === null) return null;
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

export function earningColumns(lang: ExportLang): ExportColumn<EarningExportRow>[] {
  return localise<EarningExportRow>(lang, [
    { header: { zh: '佣金ID', en: 'Earning ID' }, value: (e) => e.id, width: 10 },
    { header: { zh: '类型', en: 'Kind' }, value: (e) => labelOf(EARNING_KIND, lang, e.kind), width: 14 },
    { header: { zh: '层级', en: 'Level' }, value: (e) => e.level, width: 6 },
    { header: { zh: '获得者ID', en: 'Earner ID' }, value: (e) => e.earnerId, width: 10 },
    { header: { zh: '获得者昵称', en: 'Earner nickname' }, value: (e) => e.earnerNickname },
    { header: { zh: '买家ID', en: 'Buyer ID' }, value: (e) => e.buyerId, width: 10 },
    { header: { zh: '买家昵称', en: 'Buyer nickname' }, value: (e) => e.buyerNickname },
    { header: { zh: '订单号', en: 'Order no' }, value: (e) => e.orderNo, width: 24 },
    { header: { zh: '计算基数(元)', en: 'Base (CNY)' }, value: (e) => e.baseFen, money: true, width: 12 },
    { header: { zh: '比例', en: 'Rate' }, value: (e) => percent(e.rateBp), width: 8 },
    { header: { zh: '佣金(元)', en: 'Amount (CNY)' }, value: (e) => e.amountFen, money: true, width: 12 },
    { header: { zh: '已冲回(元)', en: 'Reversed (CNY)' }, value: (e) => e.reversedFen, money: true, width: 12 },
    { header: { zh: '净佣金(元)', en: 'Net (CNY)' }, value: (e) => e.amountFen - e.reversedFen, money: true, width: 12 },
    { header: { zh: '状态', en: 'State' }, value: (e) => labelOf(EARNING_STATE, lang, e.state), width: 10 },
    { header: { zh: '冻结至', en: 'Frozen until' }, value: (e) => shanghaiDateTime(e.frozenUntil), width: 20 },
    { header: { zh: '产生时间', en: 'Created at' }, value: (e) => shanghaiDateTime(e.createdAt), width: 20 },
  ]);
}

export type PayoutExportRow = Awaited<ReturnType<Services['payouts']['exportRows']>>[number];

/** Where the money went, as the console's payout list shows it: already masked by the payouts module (realName, account numbers). */
function destinationText(p: PayoutExportRow): string {
  const d = p.destination;
  return [d.realName, d.bankName, d.accountNo ?? d.account].filter((v) => v !== undefined && v !== '').join(' ');
}

export function payoutColumns(lang: ExportLang): ExportColumn<PayoutExportRow>[] {
  const auto = lang === 'zh' ? '自动通过' : 'Auto-approved';
  return localise<PayoutExportRow>(lang, [
    { header: { zh: '提现单号', en: 'Payout no' }, value: (p) => p.payoutNo, width: 24 },
    { header: { zh: '会员ID', en: 'Member ID' }, value: (p) => p.memberId, width: 10 },
    { header: { zh: '会员昵称', en: 'Member nickname' }, value: (p) => p.memberNickname },
    { header: { zh: '渠道', en: 'Channel' }, value: (p) => labelOf(PAYOUT_CHANNEL, lang, p.channel), width: 10 },
    { header: { zh: '收款账户', en: 'Destination' }, value: destinationText, width: 30 },
    { header: { zh: '提现金额(元)', en: 'Amount (CNY)' }, value: (p) => p.amountFen, money: true, width: 12 },
    { header: { zh: '手续费(元)', en: 'Fee (CNY)' }, value: (p) => p.feeFen, money: true, width: 10 },
    { header: { zh: '实发金额(元)', en: 'Net (CNY)' }, value: (p) => p.netFen, money: true, width: 12 },
    { header: { zh: '状态', en: 'Status' }, value: (p) => labelOf(PAYOUT_STATUS, lang, p.status), width: 10 },
    { header: { zh: '申请时间', en: 'Requested at' }, value: (p) => shanghaiDateTime(p.createdAt), width: 20 },
    { header: { zh: '审核时间', en: 'Reviewed at' }, value: (p) => shanghaiDateTime(p.reviewedAt), width: 20 },
    { header: { zh: '到账时间', en: 'Paid at' }, value: (p) => shanghaiDateTime(p.paidAt), width: 20 },
    { header: { zh: '审核人', en: 'Reviewer' }, value: (p) => (p.reviewedBy !== null ? `${p.reviewerNickname ?? ''} #${p.reviewedBy}`.trim() : p.autoApproved ? auto : null), width: 16 },
    { header: { zh: '备注', en: 'Note' }, value: (p) => p.rejectReason ?? p.failureReason, width: 24 },
  ]);
}

const AFTER_SALES_KIND: Record<string, Label> = {
  refund_only: { zh: '仅退款', en: 'Refund only' },
  return_refund: { zh: '退货退款', en: 'Return and refund' },
};
const AFTER_SALES_REASON: Record<string, Label> = {
  no_longer_needed: { zh: '不想要了（七天无理由）', en: 'No longer needed (7-day return)' },
  not_received: { zh: '未收到货', en: 'Not received' },
  damaged: { zh: '商品破损', en: 'Arrived damaged' },
  wrong_item: { zh: '发错货 / 少件', en: 'Wrong or missing item' },
  quality: { zh: '质量问题', en: 'Quality problem' },
  not_as_described: { zh: '与描述不符', en: 'Not as described' },
  other: { zh: '其他', en: 'Other' },
};
const AFTER_SALES_STATUS: Record<string, Label> = {
  pending: { zh: '待审核', en: 'Pending' },
  awaiting_return: { zh: '待买家寄回', en: 'Awaiting return' },
  returning: { zh: '退货中', en: 'On its way back' },
  approved: { zh: '已退款', en: 'Refunded' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  cancelled: { zh: '买家已撤销', en: 'Withdrawn' },
  expired: { zh: '超时关闭', en: 'Expired' },
};
const REFUND_STATUS: Record<string, Label> = {
  processing: { zh: '退款中', en: 'Refunding' },
  succeeded: { zh: '退款成功', en: 'Refunded' },
  failed: { zh: '退款失败', en: 'Failed' },
  overpaid: { zh: '重复退款', en: 'Refunded twice' },
};

/** After-sales requests: what was asked, how it was decided, the return parcel and the refund it opened. */
export function refundRequestColumns(lang: ExportLang, viewer: Pick<ExportViewer, 'phoneOf'>): ExportColumn<RefundRequestExportRow>[] {
  return localise<RefundRequestExportRow>(lang, [
    { header: { zh: '售后ID', en: 'Request ID' }, value: (q) => q.id, width: 10 },
    { header: { zh: '订单号', en: 'Order no' }, value: (q) => q.orderNo, width: 24 },
    { header: { zh: '类型', en: 'Kind' }, value: (q) => labelOf(AFTER_SALES_KIND, lang, q.kind), width: 10 },
    { header: { zh: '原因', en: 'Reason' }, value: (q) => labelOf(AFTER_SALES_REASON, lang, q.reasonCode), width: 16 },
    { header: { zh: '买家说明', en: 'Buyer’s words' }, value: (q) => q.reason, width: 30 },
    { header: { zh: '状态', en: 'Status' }, value: (q) => labelOf(AFTER_SALES_STATUS, lang, q.status), width: 10 },
    { header: { zh: '申请金额(元)', en: 'Requested (CNY)' }, value: (q) => q.requestedFen, money: true, width: 12 },
    { header: { zh: '其中运费(元)', en: 'Of which shipping (CNY)' }, value: (q) => q.shippingFen, money: true, width: 12 },
    { header: { zh: '退款单号', en: 'Refund no' }, value: (q) => q.refundNo, width: 24 },
    { header: { zh: '退款状态', en: 'Refund status' }, value: (q) => (q.refundStatus === null ? null : labelOf(REFUND_STATUS, lang, q.refundStatus)), width: 10 },
    { header: { zh: '退款金额(元)', en: 'Refund (CNY)' }, value: (q) => q.refundFen, money: true, width: 12 },
    { header: { zh: '买家ID', en: 'Buyer ID' }, value: (q) => q.buyerId, width: 10 },
    { header: { zh: '买家昵称', en: 'Buyer nickname' }, value: (q) => q.buyerNickname },
    { header: { zh: '买家手机号', en: 'Buyer phone' }, value: (q) => viewer.phoneOf(q.buyerPhone), width: 14 },
    { header: { zh: '审核说明', en: 'Review note' }, value: (q) => q.reviewReason, width: 24 },
    { header: { zh: '退货快递', en: 'Return carrier' }, value: (q) => q.returnCarrierName, width: 12 },
    { header: { zh: '退货单号', en: 'Return tracking no' }, value: (q) => q.returnTrackingNo, width: 20 },
    { header: { zh: '申请时间', en: 'Requested at' }, value: (q) => shanghaiDateTime(q.createdAt), width: 20 },
    { header: { zh: '审核时间', en: 'Reviewed at' }, value: (q) => shanghaiDateTime(q.reviewedAt), width: 20 },
    { header: { zh: '寄回截止', en: 'Return due by' }, value: (q) => shanghaiDateTime(q.returnDueAt), width: 20 },
    { header: { zh: '寄回时间', en: 'Returned at' }, value: (q) => shanghaiDateTime(q.returnShippedAt), width: 20 },
    { header: { zh: '收到退货', en: 'Return received at' }, value: (q) => shanghaiDateTime(q.receivedAt), width: 20 },
    { header: { zh: '关闭时间', en: 'Closed at' }, value: (q) => shanghaiDateTime(q.closedAt), width: 20 },
  ]);
}
