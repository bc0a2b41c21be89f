/**
 * WeChat Pay 商家转账 (transfer-bills, the 2025 "user confirms" flow), API v3.
 * The client holds only the protocol: it signs requests, verifies every answer's signature and maps
 * WeChat's codes to typed errors. Deciding when to pay, retry or give up belongs to the payout service.
 *
 * Flow: createBill → WAIT_USER_CONFIRM + package_info → the shop page calls
 * wx.requestMerchantTransfer(confirmParameters(packageInfo)) → TRANSFERING → SUCCESS | FAIL, or
 * CANCELING → CANCELLED (merchant cancel, or not confirmed within 24 h). Terminal states arrive as
 * MCHTRANSFER.BILL.FINISHED notifications; queryBill is the fallback when one never arrives.
 */
import crypto from 'node:crypto';
import { buildWechatpayAuthorization, decryptWechatpayResource, parseWechatpayNotification, readWechatpayHeaders, verifyWechatpaySignature, WechatpayVerifyError } from '../payments/index.js';

export const TRANSFER_BILLS_PATH = '/v3/fund-app/mch-transfer/transfer-bills';
export const TRANSFER_NOTIFY_EVENT = 'MCHTRANSFER.BILL.FINISHED';
/** 0.1 yuan: the documented minimum of one transfer. */
export const MIN_TRANSFER_FEN = 10;
/** From ¥2,000 on, WeChat requires the receiver's real name (encrypted) and checks it against the openid. */
export const USER_NAME_REQUIRED_FROM_FEN = 200_000;

/** WeChat spells TRANSFERING with one R. Kept open: WeChat may add states. */
export type TransferState = 'ACCEPTED' | 'PROCESSING' | 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL'
  | 'CANCELING' | 'CANCELLED' | (string & {});

export const TERMINAL_TRANSFER_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAIL', 'CANCELLED']);

/** fail_reason values of FAIL bills, with what to tell the distributor. Kept open for new values. */
export const TRANSFER_FAIL_REASONS: Readonly<Record<string, string>> = {
  ACCOUNT_FROZEN: '该用户账户被冻结',
  REAL_NAME_CHECK_FAIL: '收款人未实名认证',
  NAME_NOT_CORRECT: '收款人姓名与实名信息不一致',
  OPENID_INVALID: 'OpenID 格式错误或不属于该 AppID',
  TRANSFER_QUOTA_EXCEED: '超过用户单笔收款额度',
  DAY_RECEIVED_QUOTA_EXCEED: '超过用户单日收款额度',
  MONTH_RECEIVED_QUOTA_EXCEED: '超过用户单月收款额度',
  DAY_RECEIVED_COUNT_EXCEED: '超过用户单日收款次数',
  ACCOUNT_NOT_EXIST: '该用户账户不存在',
  PAYEE_ACCOUNT_ABNORMAL: '用户账户收款异常',
  TRANSFER_RISK: '该笔转账可能存在风险，已被微信拦截',
};

export interface SceneReportInfo {
  infoType: string;
  infoContent: string;
}

export interface WechatTransferConfig {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  /** 微信支付公钥 (PUB_KEY_ID_…) or the platform certificate's public key */
  platformPublicKeyPem: string;
  /** platform certificate serial; give this or publicKeyId */
  platformSerial?: string;
  /** 微信支付公钥ID; wins over platformSerial when both are given */
  publicKeyId?: string;
  /** e.g. https://api.mch.weixin.qq.com */
  baseUrl: string;
  notifyUrl: string;
  appid: string;
  /** transfer_scene_id, e.g. '1000' 现金营销, '1005' 佣金报酬 */
  sceneId: string;
  /** transfer_scene_report_infos WeChat requires for the scene (1005: 岗位类型 + 报酬说明) */
  sceneReportInfos: SceneReportInfo[];
  /** user_recv_perception, what the receiver sees, e.g. 劳务报酬 */
  userRecvPerception?: string;
  fetchFn?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export interface CreateBillInput {
  /** digits and letters, ≤ 32; reuse it on every retry: WeChat dedupes on it, never paying twice */
  outBillNo: string;
  openid: string;
  amountFen: number;
  /** ≤ 32 characters, shown to the receiver */
  remark: string;
  /** receiver's real name; required by WeChat from ¥2,000 */
  userName?: string;
  sceneReportInfos?: SceneReportInfo[];
}

export interface CreatedBill {
  outBillNo: string;
  transferBillNo: string;
  createTime: string;
  state: TransferState;
  /** present while WAIT_USER_CONFIRM: hand it to requestMerchantTransfer */
  packageInfo?: string;
  failReason?: string;
}

export interface TransferBill {
  mchid: string;
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  state: TransferState;
  amountFen: number;
  remark: string;
  failReason?: string;
  openid?: string;
  createTime: string;
  updateTime: string;
}

export interface CancelledBill {
  outBillNo: string;
  transferBillNo: string;
  state: TransferState;
  updateTime: string;
}

export interface TransferNotification {
  eventId: string;
  mchid: string;
  outBillNo: string;
  transferBillNo: string;
  state: TransferState;
  amountFen: number;
  openid?: string;
  failReason?: string;
  createTime: string;
  updateTime: string;
}

// SYSTEM_ERROR and FREQUENCY_LIMITED are WeChat's "try again later"; transport failures and unverifiable
// answers leave the outcome unknown, which a retry with the same out_bill_no resolves without double paying.
const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NETWORK_ERROR', 'TIMEOUT', 'RESPONSE_UNVERIFIED']);

export class WechatTransferError extends Error {
  /** NOT_ENOUGH: not worth retrying as is, but the same bill goes through once the balance is topped up */
  readonly resumable: boolean;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable: boolean = RETRYABLE_CODES.has(code) || status === 429 || status >= 500,
  ) {
    super(message);
    this.name = 'WechatTransferError';
    this.resumable = code === 'NOT_ENOUGH';
  }
}

// out_bill_no goes into the URL path: refusing anything but WeChat's alphabet also rules out path tricks.
const OUT_BILL_NO_RE = /^[A-Za-z0-9]{1,32}$/;

function invalid(status: number, what: string): never {
  throw new WechatTransferError(status, 'RESPONSE_INVALID', `WeChat answer invalid: ${what}`, false);
}

function str(o: Record<string, unknown>, f: string, status: number): string {
  const v = o[f];
  if (typeof v !== 'string' || v === '') invalid(status, `${f} missing`);
  return v as string;
}

function optStr(o: Record<string, unknown>, f: string, status: number): string | undefined {
  const v = o[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(status, `${f} not a string`);
  return v as string;
}

function fen(o: Record<string, unknown>, f: string, status: number): number {
  const v = o[f];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) invalid(status, `${f} not integer fen`);
  return v as number;
}

export class WechatTransferClient {
  private readonly keyId: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly cfg: WechatTransferConfig) {
    const keyId = cfg.publicKeyId ?? cfg.platformSerial;
    if (!keyId) throw new TypeError('platformSerial or publicKeyId is required');
    this.keyId = keyId;
    this.fetchFn = cfg.fetchFn ?? fetch;
    this.now = cfg.now ?? Date.now;
  }

  async createBill(input: CreateBillInput): Promise<CreatedBill> {
    this.checkOutBillNo(input.outBillNo);
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
      throw new WechatTransferError(0, 'PARAM_ERROR', 'amountFen must be a positive integer', false);
    }
    // Thresholds (minimum, name from ¥2,000) are left to WeChat: it is the authority and changes them.
    const body: Record<string, unknown> = {
      appid: this.cfg.appid,
      out_bill_no: input.outBillNo,
      transfer_scene_id: this.cfg.sceneId,
      openid: input.openid,
      transfer_amount: input.amountFen,
      transfer_remark: input.remark,
      notify_url: this.cfg.notifyUrl,
      transfer_scene_report_infos: (input.sceneReportInfos ?? this.cfg.sceneReportInfos).map((i) => ({ info_type: i.infoType, info_content: i.infoContent })),
    };
    if (input.userName !== undefined) body.user_name = this.encryptSensitive(input.userName);
    if (this.cfg.userRecvPerception !== undefined) body.user_recv_perception = this.cfg.userRecvPerception;

    const { status, json } = await this.call('POST', TRANSFER_BILLS_PATH, JSON.stringify(body));
    const out: CreatedBill = {
      outBillNo: str(json, 'out_bill_no', status),
      transferBillNo: str(json, 'transfer_bill_no', status),
      createTime: str(json, 'create_time', status),
      state: str(json, 'state', status),
    };
    if (out.outBillNo !== input.outBillNo) invalid(status, 'out_bill_no is not the one sent');
    const packageInfo = optStr(json, 'package_info', status);
    if (packageInfo !== undefined) out.packageInfo = packageInfo;
    const failReason = optStr(json, 'fail_reason', status);
    if (failReason !== undefined) out.failReason = failReason;
    return out;
  }

  async queryBill(outBillNo: string): Promise<TransferBill> {
    this.checkOutBillNo(outBillNo);
    const { status, json } = await this.call('GET', `${TRANSFER_BILLS_PATH}/out-bill-no/${outBillNo}`, '');
    const out: TransferBill = {
      mchid: str(json, 'mch_id', status),
      outBillNo: str(json, 'out_bill_no', status),
      transferBillNo: str(json, 'transfer_bill_no', status),
      appid: str(json, 'appid', status),
      state: str(json, 'state', status),
      amountFen: fen(json, 'transfer_amount', status),
      remark: optStr(json, 'transfer_remark', status) ?? '',
      createTime: str(json, 'create_time', status),
      updateTime: str(json, 'update_time', status),
    };
    if (out.outBillNo !== outBillNo || out.mchid !== this.cfg.mchid) invalid(status, 'bill is not the one asked for');
    const failReason = optStr(json, 'fail_reason', status);
    if (failReason !== undefined) out.failReason = failReason;
    const openid = optStr(json, 'openid', status);
    if (openid !== undefined) out.openid = openid;
    return out;
  }

  /** Answers CANCELING; CANCELLED (and the refund to the balance) follows, by notification or query. */
  async cancelBill(outBillNo: string): Promise<CancelledBill> {
    this.checkOutBillNo(outBillNo);
    const { status, json } = await this.call('POST', `${TRANSFER_BILLS_PATH}/out-bill-no/${outBillNo}/cancel`, '');
    const out: CancelledBill = {
      outBillNo: str(json, 'out_bill_no', status),
      transferBillNo: str(json, 'transfer_bill_no', status),
      state: str(json, 'state', status),
      updateTime: str(json, 'update_time', status),
    };
    if (out.outBillNo !== outBillNo) invalid(status, 'out_bill_no is not the one sent');
    return out;
  }

  /**
   * Verifies and decrypts a MCHTRANSFER.BILL.FINISHED notification. `rawBody` must be the bytes as
   * received. Throws WechatpayVerifyError (answer 4xx/5xx so WeChat retries); the same notification
   * can arrive more than once, so the caller applies it idempotently and checks the amount against its own.
   */
  parseNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    apiV3Key: string,
  ): TransferNotification {
    verifyWechatpaySignature({
      headers: readWechatpayHeaders(headers),
      body: rawBody,
      platformPublicKeyPem: this.cfg.platformPublicKeyPem,
      platformSerial: this.keyId,
      nowMs: this.now(),
    });
    const n = parseWechatpayNotification(rawBody);
    if (n.event_type !== TRANSFER_NOTIFY_EVENT) {
      throw new WechatpayVerifyError('WECHATPAY_EVENT_UNEXPECTED', `unexpected event ${n.event_type}`);
    }
    const plain = decryptWechatpayResource(n.resource, apiV3Key);
    const bad = (why: string): never => {
      throw new WechatpayVerifyError('WECHATPAY_RESOURCE_INVALID', `transfer resource: ${why}`);
    };
    let o: unknown;
    try {
      o = JSON.parse(plain);
    } catch {
      bad('not JSON');
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('not an object');
    const r = o as Record<string, unknown>;
    const need = (f: string): string => (typeof r[f] === 'string' && r[f] !== '' ? (r[f] as string) : bad(`${f} missing`));
    // The notification documents `mchid` while the query answers `mch_id`; accept either.
    const mchid = typeof r.mchid === 'string' ? r.mchid : need('mch_id');
    if (mchid !== this.cfg.mchid) throw new WechatpayVerifyError('WECHATPAY_MCHID_MISMATCH', 'notification is for another merchant');
    const amount = r.transfer_amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) return bad('transfer_amount not integer fen');
    const out: TransferNotification = {
      eventId: n.id,
      mchid,
      outBillNo: need('out_bill_no'),
      transferBillNo: need('transfer_bill_no'),
      state: need('state'),
      amountFen: amount,
      createTime: need('create_time'),
      updateTime: need('update_time'),
    };
    if (typeof r.openid === 'string') out.openid = r.openid;
    if (typeof r.fail_reason === 'string' && r.fail_reason) out.failReason = r.fail_reason;
    return out;
  }

  /** What the mini-program passes to wx.requestMerchantTransfer (H5: WeixinJSBridge 'requestMerchantTransfer'). */
  confirmParameters(packageInfo: string): { mchId: string; appId: string; package: string } {
    return { mchId: this.cfg.mchid, appId: this.cfg.appid, package: packageInfo };
  }

  // 敏感信息加密: RSAES-OAEP (SHA-1/MGF1) with WeChat's public key; Wechatpay-Serial tells WeChat which key.
  private encryptSensitive(plain: string): string {
    return crypto
      .publicEncrypt(
        { key: this.cfg.platformPublicKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        Buffer.from(plain, 'utf8'),
      )
      .toString('base64');
  }

  private checkOutBillNo(outBillNo: string): void {
    if (!OUT_BILL_NO_RE.test(outBillNo)) {
      throw new WechatTransferError(0, 'PARAM_ERROR', 'outBillNo must be 1-32 letters or digits', false);
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = {
      Authorization: buildWechatpayAuthorization({
        method,
        urlPathWithQuery: path,
        body,
        mchid: this.cfg.mchid,
        merchantSerial: this.cfg.merchantSerial,
        merchantPrivateKeyPem: this.cfg.merchantPrivateKeyPem,
        nowMs: this.now(),
        nonce: crypto.randomBytes(16).toString('hex'),
      }),
      Accept: 'application/json',
      // WeChat refuses requests without a User-Agent.
      'User-Agent': 'fenxiao-wechat-transfer/1',
      // Names the WeChat key this client encrypts with and verifies against (required with user_name).
      'Wechatpay-Serial': this.keyId,
    };
    if (method === 'POST') headers['Content-Type'] = 'application/json';

    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(new URL(path, this.cfg.baseUrl), {
        method,
        headers,
        body: method === 'POST' ? body : undefined,
        signal: AbortSignal.timeout(this.cfg.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new WechatTransferError(0, timeout ? 'TIMEOUT' : 'NETWORK_ERROR', `WeChat unreachable: ${String(e)}`);
    }

    // Errors too are verified: a forged "refused" could make us give up on a bill that was paid.
    try {
      verifyWechatpaySignature({
        headers: readWechatpayHeaders(Object.fromEntries(res.headers)),
        body: text,
        platformPublicKeyPem: this.cfg.platformPublicKeyPem,
        platformSerial: this.keyId,
        nowMs: this.now(),
      });
    } catch (e) {
      if (!(e instanceof WechatpayVerifyError)) throw e;
      throw new WechatTransferError(res.status, 'RESPONSE_UNVERIFIED', `WeChat answer not verified: ${e.code}`);
    }

    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const obj = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
    if (res.status < 200 || res.status >= 300) {
      const code = typeof obj?.code === 'string' && obj.code ? obj.code : `HTTP_${res.status}`;
      const message = typeof obj?.message === 'string' ? obj.message : `HTTP ${res.status}`;
      throw new WechatTransferError(res.status, code, message);
    }
    if (!obj) invalid(res.status, 'body is not a JSON object');
    return { status: res.status, json: obj };
  }
}
