// Withdrawals to an Alipay account through alipay.fund.trans.uni.transfer (the protocol is AlipayClient's,
// built once in the composition root). Alipay dedupes on out_biz_no, so every resend of an attempt uses
// the attempt's business number. SUCCESS → paid; FAIL → failed; DEALING → pending, asked again by the
// sweep (alipay.fund.trans.common.query) until it settles.
import { AlipayApiError, type AlipayClient } from '../payments/index.js';
import { PayoutProviderError, type PayoutOrder, type PayoutProvider, type PayoutResult } from './providers.js';

export const ALIPAY_TRANSFER_PROVIDER = 'alipay_transfer';

/** Alipay sub codes a distributor can act on, with what to tell them. */
const PAYEE_REASONS: Readonly<Record<string, string>> = {
  PAYEE_ACCOUNT_STATUS_ERROR: '收款方支付宝账户状态异常（可能被冻结）',
  PAYEE_NOT_EXIST: '收款支付宝账号不存在',
  PAYEE_USER_INFO_ERROR: '收款人姓名与支付宝账号不一致',
  PAYEE_CERT_INFO_ERROR: '收款人身份信息与支付宝账号不一致',
  PAYEE_ACC_OCUPIED: '该手机号对应多个支付宝账户，请改用邮箱或其他账号',
  EXCEED_LIMIT_SM_MIN_AMOUNT: '低于支付宝单笔最低转账金额',
  PAYEE_NOT_RELNAME_CERTIFY: '收款方支付宝账户未实名认证',
};

/** Refused for now, not for good: the same transfer goes through once the merchant's balance is topped up. */
const RESUMABLE_SUB_CODES = new Set(['PAYER_BALANCE_NOT_ENOUGH', 'BALANCE_IS_NOT_ENOUGH']);

const reasonOf = (code: string, fallback?: string) => `${code}: ${PAYEE_REASONS[code] ?? fallback ?? 'Alipay refused the transfer'}`;

export class AlipayTransferPayoutProvider implements PayoutProvider {
  constructor(private readonly client: AlipayClient) {}

  providerName(): string {
    return ALIPAY_TRANSFER_PROVIDER;
  }

  async send(order: PayoutOrder): Promise<PayoutResult> {
    const account = order.destination.account?.trim() ?? '';
    const realName = order.destination.realName?.trim() ?? '';
    try {
      const r = await this.client.transfer({
        outBizNo: order.businessNo,
        amountFen: order.netFen,
        // ALIPAY_LOGON_ID (phone or e-mail) needs the real name; Alipay checks the two against each other
        payee: { identityType: 'ALIPAY_LOGON_ID', identity: account, name: realName },
        title: `佣金提现 ${order.payoutNo}`,
      });
      if (r.status === 'SUCCESS') return { status: 'paid', providerRef: r.orderId, state: r.status };
      if (r.status === 'FAIL') return { status: 'failed', reason: reasonOf('FAIL'), state: r.status };
      return { status: 'pending', state: r.status, providerRef: r.orderId };
    } catch (error) {
      if (!(error instanceof AlipayApiError)) throw new PayoutProviderError('UNKNOWN', `Alipay transfer: ${error instanceof Error ? error.name : 'error'}`);
      const sub = error.subCode ?? error.code;
      if (error.retryable) throw new PayoutProviderError(sub, `Alipay transfer: ${error.code} ${error.subCode ?? ''}`.trim());
      if (RESUMABLE_SUB_CODES.has(sub)) throw new PayoutProviderError(sub, 'Alipay transfer: the merchant balance is not enough', true);
      // a transfer exists under this out_biz_no with other details, or a resend was refused: ask what became of it
      const refused: PayoutResult = { status: 'failed', reason: reasonOf(sub) };
      if (sub !== 'PAYMENT_INFO_INCONSISTENCY' && !order.resend) return refused;
      const found = await this.query(order);
      // no transfer at all (a failure without Alipay's state): the refusal is the reason to tell
      return found.status === 'failed' && found.state === undefined ? refused : found;
    }
  }

  async query(order: PayoutOrder): Promise<PayoutResult> {
    try {
      const q = await this.client.queryTransfer(order.businessNo);
      if (q.amountFen !== undefined && q.amountFen !== order.netFen) throw new PayoutProviderError('AMOUNT_MISMATCH', `Alipay transfer ${order.businessNo} is for ${q.amountFen} fen, not ${order.netFen}`);
      if (q.status === 'SUCCESS') return { status: 'paid', providerRef: q.orderId, state: q.status };
      // REFUND (退票): paid out and returned by the payee's side; the money is back with the merchant
      if (q.status === 'FAIL' || q.status === 'REFUND') return { status: 'failed', reason: reasonOf(q.errorCode ?? q.status, q.failReason), state: q.status };
      return { status: 'pending', state: q.status, providerRef: q.orderId };
    } catch (error) {
      if (error instanceof PayoutProviderError) throw error;
      // no order under a number Alipay never acknowledged: nothing was created, so the attempt fails
      if (error instanceof AlipayApiError && !error.retryable && error.subCode === 'ORDER_NOT_EXIST' && !order.accepted) {
        return { status: 'failed', reason: 'ORDER_NOT_EXIST: Alipay has no transfer for this withdrawal' };
      }
      const code = error instanceof AlipayApiError ? (error.subCode ?? error.code) : 'UNKNOWN';
      throw new PayoutProviderError(code, `Alipay transfer query: ${code}`);
    }
  }
}
