// The columns of the console's ledger export (admin-exports.ts): each transfer with its two accounts
// (kind and member), the amount as yuan, what it was for, and the business numbers the providers'
// statements carry (order, refund, withdrawal and the withdrawal attempt's number), in zh and en.
import type { LedgerExportAccount, LedgerExportRow } from '../../modules/analytics/index.js';
import { shanghaiDateTime, type ExportColumn } from '../exports.js';
import { EARNING_KIND, labelOf, localise, type ExportLang, type Label } from './admin-exports.columns.js';

/** the accounts' purposes (ledger/service.ts): a member's five, the platform's three */
const PURPOSE: Record<string, Label> = {
  commission_pending: { zh: '待结算佣金', en: 'Commission pending' },
  commission_frozen: { zh: '冻结中佣金', en: 'Commission frozen' },
  commission_available: { zh: '可提现余额', en: 'Available balance' },
  payout_withdrawing: { zh: '提现中', en: 'Withdrawing' },
  commission_debt: { zh: '佣金欠款', en: 'Commission debt' },
  commission_expense: { zh: '平台佣金支出', en: 'Platform commission expense' },
  payout_clearing: { zh: '平台提现清算', en: 'Platform payout clearing' },
  payout_fee_income: { zh: '平台提现手续费收入', en: 'Platform payout fee income' },
};

/** what each transfer code books; `<kind>.earn` and `dealer.upper_<mode>` are named from their parts */
const CODE: Record<string, Label> = {
  'commission.earn': { zh: '分销佣金入账', en: 'Distribution commission earned' },
  'commission.freeze': { zh: '佣金冻结（确认收货）', en: 'Commission frozen (received)' },
  'commission.unfreeze': { zh: '佣金解冻（可提现）', en: 'Commission released' },
  'commission.reverse': { zh: '佣金冲回（退款）', en: 'Commission reversed (refund)' },
  'commission.adjust': { zh: '人工调整', en: 'Manual adjustment' },
  'commission.risk_hold': { zh: '风控冻结（可提现转回冻结）', en: 'Risk hold (available back to frozen)' },
  'commission.risk_release': { zh: '风控放行（回到可提现）', en: 'Risk hold released (back to available)' },
  'payout.reserve': { zh: '提现冻结', en: 'Withdrawal reserved' },
  'payout.paid': { zh: '提现打款', en: 'Withdrawal paid' },
  'payout.fee': { zh: '提现手续费', en: 'Withdrawal fee' },
  'payout.release': { zh: '提现退回', en: 'Withdrawal returned' },
  'contest.prize': { zh: 'PK 赛奖金', en: 'Contest prize' },
  'agent_referral.award': { zh: '推荐代理奖', en: 'Agent referral award' },
  'dealer.stock_handover': { zh: '进货货款', en: 'Restock payment' },
  'loyalty.note_reward': { zh: '笔记奖励', en: 'Note reward' },
};

function codeLabel(lang: ExportLang, code: string): string {
  if (CODE[code]) return CODE[code][lang];
  const earn = /^([a-z_]+)\.earn$/.exec(code);
  if (earn && EARNING_KIND[earn[1]!]) return lang === 'zh' ? `${EARNING_KIND[earn[1]!]!.zh}入账` : `${EARNING_KIND[earn[1]!]!.en} earned`;
  if (code.startsWith('dealer.upper_')) return lang === 'zh' ? '订货商上级奖励' : 'Dealer upline reward';
  return code;
}

function sideColumns(lang: ExportLang, side: 'from' | 'to') {
  const of = (r: LedgerExportRow): LedgerExportAccount => r[side];
  const [zh, en] = side === 'from' ? ['转出', 'From'] : ['转入', 'To'];
  return [
    { header: { zh: `${zh}账户ID`, en: `${en} account` }, value: (r: LedgerExportRow) => of(r).id, width: 10 },
    { header: { zh: `${zh}账户类型`, en: `${en} account kind` }, value: (r: LedgerExportRow) => labelOf(PURPOSE, lang, of(r).purpose), width: 16 },
    { header: { zh: `${zh}会员ID`, en: `${en} member ID` }, value: (r: LedgerExportRow) => of(r).memberId, width: 10 },
    { header: { zh: `${zh}会员昵称`, en: `${en} member` }, value: (r: LedgerExportRow) => of(r).nickname },
  ];
}

export function ledgerColumns(lang: ExportLang): ExportColumn<LedgerExportRow>[] {
  return localise<LedgerExportRow>(lang, [
    { header: { zh: '流水ID', en: 'Transfer ID' }, value: (r) => r.id, width: 10 },
    { header: { zh: '记账时间', en: 'Booked at' }, value: (r) => shanghaiDateTime(r.createdAt), width: 20 },
    { header: { zh: '业务代码', en: 'Code' }, value: (r) => r.code, width: 20 },
    { header: { zh: '摘要', en: 'Description' }, value: (r) => codeLabel(lang, r.code), width: 18 },
    { header: { zh: '金额(元)', en: 'Amount (CNY)' }, value: (r) => r.amountFen, money: true, width: 12 },
    ...sideColumns(lang, 'from'),
    ...sideColumns(lang, 'to'),
    { header: { zh: '订单号', en: 'Order no' }, value: (r) => r.orderNo, width: 24 },
    { header: { zh: '退款单号', en: 'Refund no' }, value: (r) => r.refundNo, width: 24 },
    { header: { zh: '提现单号', en: 'Payout no' }, value: (r) => r.payoutNo, width: 28 },
    { header: { zh: '打款业务单号', en: 'Payout business no' }, value: (r) => r.payoutBusinessNo, width: 30 },
    { header: { zh: '关联类型', en: 'Ref type' }, value: (r) => r.refType, width: 16 },
    { header: { zh: '关联ID', en: 'Ref ID' }, value: (r) => r.refId, width: 10 },
    { header: { zh: '幂等键', en: 'Idempotency key' }, value: (r) => r.idempotencyKey, width: 36 },
    { header: { zh: '备注', en: 'Memo' }, value: (r) => r.memo, width: 24 },
  ]);
}
