// Withdrawals to WeChat balance through 商家转账 (transfer bills, the receiver confirms). The protocol is in
// wechat-transfer.ts; this maps its states and errors to payout answers:
// - WAIT_USER_CONFIRM (with package_info), ACCEPTED, PROCESSING, TRANSFERING, CANCELING → pending;
// - SUCCESS → paid; FAIL → failed with WeChat's reason; CANCELLED (declined, or not confirmed in 24 h) → failed;
// - SYSTEM_ERROR, FREQUENCY_LIMITED, network, timeout, unverifiable answers → retried (same out_bill_no);
// - NOT_ENOUGH (merchant balance) → retried slowly, it goes through once finance tops up;
// - any other verified refusal → failed, unless an earlier call may have created the bill: then WeChat is
//   asked what became of it, so a refusal of a resend can never hide a bill that pays.
import type { Executor } from '../../db/database.js';
import type { PayoutChannel } from './tables.js';
import { WechatpayVerifyError } from '../payments/index.js';
import { PayoutProviderError, type ConfirmParameters, type PayoutNotification, type PayoutOrder, type PayoutProvider, type PayoutResult } from './providers.js';
import { TRANSFER_FAIL_REASONS, USER_NAME_REQUIRED_FROM_FEN, WechatTransferClient, WechatTransferError, type TransferState } from './wechat-transfer.js';

export const WECHAT_TRANSFER_PROVIDER = 'wechat_transfer';

/**
 * The member's openid under the payout app. A read join into the identity module's table (allowed: read
 * only); the oldest link wins when a member somehow has two under one appid.
 */
export async function wechatOpenidFor(ex: Executor, memberId: number, appid: string): Promise<string | undefined> {
  const row = await ex
    .selectFrom('member_wechat_identities')
    .select('openid')
    .where('member_id', '=', memberId)
    .where('appid', '=', appid)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.openid;
}

/** Failure reasons start with a code the shop can translate, then the words for everyone else. */
export const NOT_LINKED_REASON = 'WECHAT_NOT_LINKED: sign in to the shop with WeChat once, then withdraw again (no openid for the payout app)';
export const NOT_CONFIRMED_REASON = 'WECHAT_NOT_CONFIRMED: the receiver did not confirm the transfer in WeChat (cancelled)';

/** What WeChat's state means for the payout. */
export function resultOfState(state: TransferState, bill: { transferBillNo: string; failReason?: string; packageInfo?: string }): PayoutResult {
  if (state === 'SUCCESS') return { status: 'paid', providerRef: bill.transferBillNo, state };
  if (state === 'FAIL') {
    const code = bill.failReason ?? 'FAIL';
    return { status: 'failed', reason: `${code}: ${TRANSFER_FAIL_REASONS[code] ?? 'WeChat refused the transfer'}`, state };
  }
  if (state === 'CANCELLED') return { status: 'failed', reason: NOT_CONFIRMED_REASON, state };
  const pending: PayoutResult = { status: 'pending', state, providerRef: bill.transferBillNo };
  if (state === 'WAIT_USER_CONFIRM' && bill.packageInfo) pending.packageInfo = bill.packageInfo;
  return pending;
}

/** WeChat's retryable and resumable errors become PayoutProviderError; anything unexpected too (unknown outcome). */
function retryLater(error: unknown): PayoutProviderError {
  if (error instanceof WechatTransferError) return new PayoutProviderError(error.code, `WeChat transfer: ${error.code} (HTTP ${error.status})`, error.resumable);
  return new PayoutProviderError('UNKNOWN', `WeChat transfer: ${error instanceof Error ? error.name : 'error'}`);
}

export class WechatTransferPayoutProvider implements PayoutProvider {
  constructor(
    private readonly client: WechatTransferClient,
    private readonly settings: { mchid: string; appid: string; apiV3Key: string },
    /** the receiver's openid under settings.appid */
    private readonly openidOf: (memberId: number) => Promise<string | undefined>,
  ) {}

  providerName(): string {
    return WECHAT_TRANSFER_PROVIDER;
  }

  async send(order: PayoutOrder): Promise<PayoutResult> {
    const openid = await this.openidOf(order.memberId);
    if (!openid) return { status: 'failed', reason: NOT_LINKED_REASON };
    const realName = order.destination.realName?.trim();
    try {
      const bill = await this.client.createBill({
        outBillNo: order.businessNo,
        openid,
        amountFen: order.netFen,
        // shown to the receiver; ≤ 32 characters (payout numbers are 27)
        remark: `佣金提现${order.payoutNo}`.slice(0, 32),
        // WeChat wants the real name only from ¥2,000; sending it below would only spread personal data
        ...(order.netFen >= USER_NAME_REQUIRED_FROM_FEN && realName ? { userName: realName } : {}),
      });
      return resultOfState(bill.state, bill);
    } catch (error) {
      if (!(error instanceof WechatTransferError) || error.retryable || error.resumable) throw retryLater(error);
      // a verified refusal; but a resend's refusal may be about a bill an earlier call created
      const refused: PayoutResult = { status: 'failed', reason: `${error.code}: WeChat refused the transfer (${error.message})` };
      if (!order.resend) return refused;
      const found = await this.query(order);
      // no bill at all (a failure without WeChat's state): the refusal is the reason to tell
      return found.status === 'failed' && found.state === undefined ? refused : found;
    }
  }

  async query(order: PayoutOrder): Promise<PayoutResult> {
    try {
      const bill = await this.client.queryBill(order.businessNo);
      // an answer about another amount is not about our attempt: never settle money on it
      if (bill.amountFen !== order.netFen) throw new PayoutProviderError('AMOUNT_MISMATCH', `WeChat bill ${order.businessNo} is for ${bill.amountFen} fen, not ${order.netFen}`);
      return resultOfState(bill.state, bill);
    } catch (error) {
      if (error instanceof PayoutProviderError) throw error;
      // no bill under a number WeChat never acknowledged: nothing was created, the attempt fails, funds go back
      if (error instanceof WechatTransferError && error.code === 'NOT_FOUND' && error.status === 404 && !order.accepted) return { status: 'failed', reason: 'NOT_FOUND: WeChat has no transfer for this withdrawal' };
      throw retryLater(error);
    }
  }

  confirmParameters(channel: PayoutChannel, packageInfo: string): ConfirmParameters | undefined {
    return channel === 'wechat' ? this.client.confirmParameters(packageInfo) : undefined;
  }

  /** MCHTRANSFER.BILL.FINISHED, verified and decrypted by the client (throws WechatpayVerifyError). */
  parseNotification(channel: PayoutChannel, headers: Record<string, string | string[] | undefined>, rawBody: string): PayoutNotification {
    if (channel !== 'wechat') throw new WechatpayVerifyError('WECHATPAY_EVENT_UNEXPECTED', `no ${channel} notifications here`);
    const n = this.client.parseNotification(headers, rawBody, this.settings.apiV3Key);
    return { businessNo: n.outBillNo, netFen: n.amountFen, result: resultOfState(n.state, n) };
  }
}
