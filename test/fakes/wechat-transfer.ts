// A loopback WeChat Pay 商家转账 (transfer-bills, user-confirm flow) that behaves as WeChat documents.
// What it models, and why:
// - every request's Authorization is checked against the merchant public key (401 SIGN_ERROR), so a
//   client that signs the wrong bytes fails here and not first in production;
// - every answer is signed with the platform key (errors too), so the client's verification is exercised;
// - out_bill_no is idempotent: the same parameters answer the existing bill, different ones are refused;
//   user_name is compared decrypted, because RSA-OAEP ciphertexts differ on every retry;
// - the merchant balance is debited at creation and refunded on FAIL/CANCELLED, never twice; each movement is
//   recorded (fundFlow) for the merchant's 资金账单, which the WeChat Pay fake serves (wechatpay.ts useTransfers);
// - the receiver is driven by the test (confirm, decline, expiry, failure); terminal states send a
//   signed, encrypted MCHTRANSFER.BILL.FINISHED notification to the bill's notify_url.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encryptWechatpayResource, signWechatpayMessage } from '../../src/modules/payments/wechatpay-crypto.js';

export interface WechatTransferFakeOptions {
  mchid: string;
  merchantPublicKeyPem: string;
  merchantSerial: string;
  platformPrivateKeyPem: string;
  /** platform certificate serial or 微信支付公钥ID the fake signs as */
  platformSerial: string;
  apiV3Key: string;
  /** AppIDs bound to the merchant */
  appids: string[];
  balanceFen: number;
  /** scenes enabled for the merchant; others answer NO_AUTH */
  sceneIds?: string[];
}

export interface FakeTransferBill {
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  openid: string;
  sceneId: string;
  amountFen: number;
  remark: string;
  /** decrypted user_name, as WeChat would check it */
  userName?: string;
  /** the user_name ciphertext as sent */
  userNameCiphertext?: string;
  notifyUrl?: string;
  state: string;
  failReason?: string;
  packageInfo: string;
  createTime: string;
  updateTime: string;
}

/** Money moved on the merchant's account by a transfer: out at creation, back on FAIL / CANCELLED. */
export interface FakeFundMovement {
  atMs: number;
  outBillNo: string;
  transferBillNo: string;
  direction: 'out' | 'back';
  amountFen: number;
  remark: string;
}

export interface NotifyOptions {
  /** deliver the same notification twice, as WeChat's retries do */
  duplicate?: boolean;
  delayMs?: number;
  /** build and record it, but never deliver (the merchant must query) */
  dropped?: boolean;
}

export interface FakeNotification {
  outBillNo: string;
  eventId: string;
  headers: Record<string, string>;
  body: string;
  dropped: boolean;
  /** HTTP statuses the notify_url answered, one per delivery */
  answers: number[];
}

export interface WechatTransferFake {
  readonly baseUrl: string;
  readonly balanceFen: number;
  readonly notifications: FakeNotification[];
  /** every movement of the merchant's money by a transfer, in order (the 资金账单's transfer lines) */
  readonly fundFlow: readonly FakeFundMovement[];
  /** request counts per "METHOD path" */
  readonly calls: Map<string, number>;
  getBill(outBillNo: string): FakeTransferBill | undefined;
  topUp(fen: number): void;
  /** the receiver confirms in WeChat → TRANSFERING → SUCCESS */
  confirm(outBillNo: string, notify?: NotifyOptions): Promise<void>;
  userDeclines(outBillNo: string, notify?: NotifyOptions): Promise<void>;
  /** 24 h without confirmation */
  expire(outBillNo: string, notify?: NotifyOptions): Promise<void>;
  failBill(outBillNo: string, reason: string, notify?: NotifyOptions): Promise<void>;
  /** (re)sends the terminal notification of a bill */
  notify(outBillNo: string, opts?: NotifyOptions): Promise<void>;
  /** the next request to this exact path answers with this error (after the signature check) */
  failNext(path: string, failure: { status: number; code: string; message?: string }): void;
  /** the next answer is altered after signing */
  tamperNextResponse(): void;
  close(): Promise<void>;
}

const BILLS = '/v3/fund-app/mch-transfer/transfer-bills';
const MIN_FEN = 10;
const NAME_FROM_FEN = 200_000;
const MAX_SKEW_S = 300;
const CANCELLABLE = new Set(['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM']);
const TERMINAL = new Set(['SUCCESS', 'FAIL', 'CANCELLED']);

class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function beijingRfc3339(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

const nonce = (bytes: number): string => crypto.randomBytes(bytes).toString('hex').slice(0, bytes);

export async function startWechatTransferFake(opts: WechatTransferFakeOptions): Promise<WechatTransferFake> {
  const bills = new Map<string, FakeTransferBill>();
  const eventIds = new Map<string, string>(); // one event id per bill's terminal state: retries reuse it
  const notifications: FakeNotification[] = [];
  const fundFlow: FakeFundMovement[] = [];
  const calls = new Map<string, number>();
  const failures = new Map<string, { status: number; code: string; message?: string }>();
  const scenes = new Set(opts.sceneIds ?? ['1000', '1005']);
  const timers = new Set<NodeJS.Timeout>();
  let balance = opts.balanceFen;
  let tamperNext = false;
  let seq = 0;

  const param = (message: string): never => {
    throw new ApiError(400, 'PARAM_ERROR', message);
  };

  function checkAuth(req: http.IncomingMessage, body: string): void {
    const h = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(h);
    const p = new Map<string, string>();
    for (const part of m ? m[1]!.split(',') : []) {
      const kv = /^\s*(\w+)="([^"]*)"\s*$/.exec(part);
      if (kv) p.set(kv[1]!, kv[2]!);
    }
    const ts = p.get('timestamp') ?? '';
    const message = `${req.method}\n${req.url}\n${ts}\n${p.get('nonce_str')}\n${body}\n`;
    const fresh = /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) <= MAX_SKEW_S;
    let ok = false;
    try {
      ok = crypto.verify(
        'sha256',
        Buffer.from(message, 'utf8'),
        { key: opts.merchantPublicKeyPem, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.from(p.get('signature') ?? '', 'base64'),
      );
    } catch {
      ok = false;
    }
    if (!m || p.get('mchid') !== opts.mchid || p.get('serial_no') !== opts.merchantSerial || !p.get('nonce_str') || !fresh || !ok) {
      throw new ApiError(401, 'SIGN_ERROR', '签名错误');
    }
  }

  function decryptName(ciphertext: string): string {
    try {
      return crypto
        .privateDecrypt(
          { key: opts.platformPrivateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
          Buffer.from(ciphertext, 'base64'),
        )
        .toString('utf8');
    } catch {
      return param('user_name 解密失败');
    }
  }

  const createAnswer = (b: FakeTransferBill) => ({
    ...{ out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, create_time: b.createTime, state: b.state },
    ...(b.state === 'WAIT_USER_CONFIRM' ? { package_info: b.packageInfo } : {}),
    ...(b.failReason ? { fail_reason: b.failReason } : {}),
  });

  function create(req: http.IncomingMessage, raw: string): object {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return param('请求体不是 JSON');
    }
    const s = (f: string, max = 256): string => {
      const v = j[f];
      if (typeof v !== 'string' || v.length === 0 || [...v].length > max) param(`${f} 缺失或过长`);
      return v as string;
    };
    const appid = s('appid');
    const outBillNo = s('out_bill_no', 32);
    if (!/^[A-Za-z0-9]+$/.test(outBillNo)) param('out_bill_no 只能由数字、大小写字母组成');
    const sceneId = s('transfer_scene_id');
    const openid = s('openid');
    const remark = s('transfer_remark', 32);
    const amount = j.transfer_amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return param('transfer_amount 必须为整数（分）');
    const infos = j.transfer_scene_report_infos;
    const infosOk =
      Array.isArray(infos) &&
      infos.length > 0 &&
      infos.every((i) => typeof i?.info_type === 'string' && typeof i?.info_content === 'string' && i.info_content !== '');
    if (!infosOk) param('transfer_scene_report_infos 缺失');
    if (!opts.appids.includes(appid)) throw new ApiError(400, 'INVALID_REQUEST', 'appid 与 mchid 不匹配');
    if (!scenes.has(sceneId)) throw new ApiError(403, 'NO_AUTH', '商户未开通该转账场景');
    if (amount < MIN_FEN) param('转账金额不能低于 0.1 元');

    let userName: string | undefined;
    const cipher = j.user_name;
    if (cipher !== undefined) {
      if (typeof cipher !== 'string' || cipher === '') return param('user_name 格式错误');
      // The serial header tells WeChat which of its keys the sensitive field was encrypted with.
      if (req.headers['wechatpay-serial'] !== opts.platformSerial) param('Wechatpay-Serial 与加密公钥不匹配');
      userName = decryptName(cipher);
    } else if (amount >= NAME_FROM_FEN) {
      param('转账金额 >= 2,000元时，user_name 必填');
    }

    const prior = bills.get(outBillNo);
    if (prior) {
      const p = prior;
      const same = p.appid === appid && p.openid === openid && p.sceneId === sceneId && p.amountFen === amount && p.remark === remark && p.userName === userName;
      if (!same) throw new ApiError(400, 'INVALID_REQUEST', '商户单号重复，且请求参数与原单不一致');
      return createAnswer(prior); // a retry: the existing bill, never a second transfer
    }
    if (balance < amount) throw new ApiError(403, 'NOT_ENOUGH', '商户运营账户资金不足');

    balance -= amount;
    const now = beijingRfc3339(Date.now());
    seq += 1;
    const bill: FakeTransferBill = {
      ...{ outBillNo, appid, openid, sceneId, amountFen: amount, remark, createTime: now, updateTime: now },
      transferBillNo: `1330000071100${Date.now()}${String(seq).padStart(14, '0')}`,
      state: 'WAIT_USER_CONFIRM',
      packageInfo: `ABBQO+oYAAABAAAAAAAk+${crypto.randomBytes(24).toString('base64')}`,
    };
    if (userName !== undefined) {
      bill.userName = userName;
      bill.userNameCiphertext = cipher as string;
    }
    if (typeof j.notify_url === 'string') bill.notifyUrl = j.notify_url;
    bills.set(outBillNo, bill);
    fundFlow.push({ atMs: Date.now(), outBillNo, transferBillNo: bill.transferBillNo, direction: 'out', amountFen: amount, remark });
    return createAnswer(bill);
  }

  const mustGet = (outBillNo: string): FakeTransferBill => {
    const b = bills.get(outBillNo);
    if (!b) throw new ApiError(404, 'NOT_FOUND', '记录不存在');
    return b;
  };

  function cancel(outBillNo: string): object {
    const b = mustGet(outBillNo);
    if (CANCELLABLE.has(b.state)) {
      setState(b, 'CANCELING');
      // WeChat finishes the cancel asynchronously; the result comes as a notification.
      later(0, () => void finish(b, 'CANCELLED'));
    } else if (b.state !== 'CANCELING' && b.state !== 'CANCELLED') {
      throw new ApiError(400, 'INVALID_REQUEST', `单据状态 ${b.state} 不支持撤销`);
    }
    return { out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, state: b.state, update_time: b.updateTime };
  }

  const query = (outBillNo: string): object => {
    const b = mustGet(outBillNo);
    return {
      ...{ mch_id: opts.mchid, out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, appid: b.appid, state: b.state },
      ...{ transfer_amount: b.amountFen, transfer_remark: b.remark, openid: b.openid },
      ...(b.failReason ? { fail_reason: b.failReason } : {}),
      ...{ create_time: b.createTime, update_time: b.updateTime },
    };
  };

  function setState(b: FakeTransferBill, state: string, failReason?: string): void {
    b.state = state;
    if (failReason) b.failReason = failReason;
    b.updateTime = beijingRfc3339(Date.now());
  }

  function later(ms: number, fn: () => void): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  async function finish(b: FakeTransferBill, state: 'SUCCESS' | 'FAIL' | 'CANCELLED', reason?: string, n?: NotifyOptions) {
    if (TERMINAL.has(b.state)) throw new Error(`fake: bill ${b.outBillNo} is already ${b.state}`);
    if (state !== 'SUCCESS') {
      balance += b.amountFen; // FAIL and CANCELLED hand the money back, once
      fundFlow.push({ atMs: Date.now(), outBillNo: b.outBillNo, transferBillNo: b.transferBillNo, direction: 'back', amountFen: b.amountFen, remark: b.remark });
    }
    setState(b, state, reason);
    await sendNotification(b, n ?? {});
  }

  async function sendNotification(b: FakeTransferBill, n: NotifyOptions): Promise<void> {
    const key = `${b.outBillNo}:${b.state}`;
    const eventId = eventIds.get(key) ?? crypto.randomUUID();
    eventIds.set(key, eventId);
    // Documented with `mchid` here, unlike the query's `mch_id`.
    const resource = {
      ...{ out_bill_no: b.outBillNo, transfer_bill_no: b.transferBillNo, state: b.state, mchid: opts.mchid },
      ...{ transfer_amount: b.amountFen, openid: b.openid },
      ...(b.failReason ? { fail_reason: b.failReason } : {}),
      ...{ create_time: b.createTime, update_time: b.updateTime },
    };
    const enc = encryptWechatpayResource(JSON.stringify(resource), opts.apiV3Key, 'mch_payment', nonce(12));
    const body = JSON.stringify({
      id: eventId,
      create_time: beijingRfc3339(Date.now()),
      resource_type: 'encrypt-resource',
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource: { original_type: 'mch_payment', ...enc },
    });
    const rec: FakeNotification = { outBillNo: b.outBillNo, eventId, headers: signedHeaders(body), body, dropped: Boolean(n.dropped), answers: [] };
    notifications.push(rec);
    if (n.dropped || !b.notifyUrl) return;
    if (n.delayMs) await later(n.delayMs, () => undefined);
    for (let i = 0; i < (n.duplicate ? 2 : 1); i++) {
      try {
        const res = await fetch(b.notifyUrl, { method: 'POST', headers: rec.headers, body });
        await res.arrayBuffer();
        rec.answers.push(res.status);
      } catch {
        rec.answers.push(0);
      }
    }
  }

  function signedHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const n = nonce(32);
    return {
      'Content-Type': 'application/json',
      'Request-ID': crypto.randomUUID(),
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': n,
      'Wechatpay-Signature': signWechatpayMessage(`${timestamp}\n${n}\n${body}\n`, opts.platformPrivateKeyPem),
      'Wechatpay-Serial': opts.platformSerial,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  function route(req: http.IncomingMessage, raw: string): object {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    calls.set(`${req.method} ${path}`, (calls.get(`${req.method} ${path}`) ?? 0) + 1);
    checkAuth(req, raw);
    const failure = failures.get(path);
    if (failure) {
      failures.delete(path);
      throw new ApiError(failure.status, failure.code, failure.message ?? failure.code);
    }
    if (req.method === 'POST' && path === BILLS) return create(req, raw);
    const m = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)(\/cancel)?$/.exec(path);
    if (m && req.method === 'GET' && !m[2]) return query(decodeURIComponent(m[1]!));
    if (m && req.method === 'POST' && m[2]) return cancel(decodeURIComponent(m[1]!));
    throw new ApiError(404, 'NOT_FOUND', '接口不存在');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let status = 200;
      let answer: object;
      try {
        answer = route(req, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(500, 'SYSTEM_ERROR', String(e));
        status = err.status;
        answer = { code: err.code, message: err.message };
      }
      const body = JSON.stringify(answer);
      const headers = signedHeaders(body);
      let sent = body;
      if (tamperNext) {
        tamperNext = false;
        // Change one digit after signing: still valid JSON, no longer what WeChat signed.
        sent = body.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10));
      }
      res.writeHead(status, headers).end(sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const drive = (outBillNo: string): FakeTransferBill => bills.get(outBillNo) ?? fail(`no bill ${outBillNo}`);
  const fail = (why: string): never => {
    throw new Error(`fake: ${why}`);
  };

  // Declined or left 24 h unconfirmed: only a bill still waiting on the receiver can end this way.
  const unconfirmed = (b: FakeTransferBill, n?: NotifyOptions): Promise<void> => {
    if (!CANCELLABLE.has(b.state)) throw new Error(`fake: bill ${b.outBillNo} is ${b.state}, not awaiting confirmation`);
    return finish(b, 'CANCELLED', undefined, n);
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get balanceFen() {
      return balance;
    },
    notifications,
    fundFlow,
    calls,
    getBill: (outBillNo) => bills.get(outBillNo),
    topUp: (fenToAdd) => void (balance += fenToAdd),
    async confirm(outBillNo, n) {
      const b = drive(outBillNo);
      if (b.state !== 'WAIT_USER_CONFIRM') throw new Error(`fake: bill ${outBillNo} is ${b.state}, not awaiting confirmation`);
      setState(b, 'TRANSFERING');
      await finish(b, 'SUCCESS', undefined, n);
    },
    userDeclines: (outBillNo, n) => unconfirmed(drive(outBillNo), n),
    expire: (outBillNo, n) => unconfirmed(drive(outBillNo), n),
    failBill: (outBillNo, reason, n) => finish(drive(outBillNo), 'FAIL', reason, n),
    async notify(outBillNo, n) {
      const b = drive(outBillNo);
      if (!TERMINAL.has(b.state)) throw new Error(`fake: bill ${outBillNo} is ${b.state}, nothing to notify`);
      await sendNotification(b, n ?? {});
    },
    failNext: (path, failure) => void failures.set(path, failure),
    tamperNextResponse: () => void (tamperNext = true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive; close would wait for them
      }),
  };
}
