// The money model of test/reliability/real-rails.test.ts, driven through the real adapters against the
// loopback fakes: WeChat Pay (Native, H5; refunds) and Alipay (page, WAP; refunds) for money in, WeChat
// 商家转账 and Alipay transfers for money out. The app listens on loopback so the fakes can deliver
// notifications; its WeChat Pay base URL is one fake, and a fetch router sends the transfer paths
// (/v3/fund-app/…) to the transfer fake, which signs with the same platform key (as one merchant would see).
//
// Each operation is applied to the app (HTTP, the fakes, or the sweeps as the job runner calls them) and to
// a reference model that knows, for every payment attempt, refund, return and payout, what the provider
// holds and what our books must say. After every step:
//   - reconciliation: no check lists a difference, except payments_without_order listing exactly the late
//     payments the model says are due back and not yet returned;
//   - conservation per rail: money at each fake (paid − refunded, transferred out) equals what the model
//     says the fake holds, our tables equal what the model says we recorded, and the gap between the two is
//     exactly what is still in flight (a dropped callback, a refund settled whose notice was lost …);
//   - every member's five balances equal the model's.
// At the end of each world everything in flight is settled (held callbacks delivered, refunds settled,
// late payments returned, transfers confirmed or settled, sweeps) and then the gap must be 0 fen.
// No vitest imports (the property lives in the test file).
import crypto from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { sql } from 'kysely';
import { reconcile } from '../../src/jobs/reconcile.js';
import { startAlipayFake, type AlipayFake } from '../fakes/alipay.js';
import { startWechatpayFake, type WechatpayFake } from '../fakes/wechatpay.js';
import { startWechatTransferFake, type WechatTransferFake } from '../fakes/wechat-transfer.js';
import { call, type ApiResponse } from './api.js';
import { startTestApp, type DatabaseKind, type TestApp } from './harness.js';
import { fastMember, sleep, type FastMember } from './reliability.js';

// --- the programme ---------------------------------------------------------------------------

const RATES_BP = [1_000, 500, 300];
const FREEZE_DAYS = 7;
const CAP_BP = 3_000;
const SKU_PRICES = [3_333, 5_999, 12_345];
const SHIPPING_FEN = 500;
const FREE_SHIPPING_MIN_FEN = 20_000;
const REDUCTION = { thresholdFen: 10_000, offFen: 1_000 };
const UNPAID_CLOSE_MINUTES = 30;
const PAYOUT_MIN_FEN = 100;
const PAYOUT_FEE_BP = 100;
const DAY_MS = 86_400_000;

export const RAILS_RULES = {
  commission: { tierRatesBp: { '1': RATES_BP }, freezeDays: FREEZE_DAYS, capBp: CAP_BP },
  payout: { minAmountFen: PAYOUT_MIN_FEN, autoApproveMaxFen: 100_000_000, feeBp: PAYOUT_FEE_BP, dailyCountLimit: 100, channels: ['wechat', 'alipay'] as Array<'wechat' | 'alipay'> },
  order: { shippingFen: SHIPPING_FEN, freeShippingMinFen: FREE_SHIPPING_MIN_FEN, fullReduction: [REDUCTION], unpaidCloseMinutes: UNPAID_CLOSE_MINUTES },
};

/** The tree of each world: parent index per member (-1 = top). 0 ← 1 ← 2 ← 3, and 4 under 1. */
const PARENT = [-1, 0, 1, 2, 1];

const MCHID = '1900000109';
const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD2B6B1F8A';
/** one 公众号 for payments and for the payout transfers */
const APPID = 'wx8888888888888888';
const ALIPAY_APP_ID = '2021000000000001';
const PAYEE_NAME = '张三';

// --- operations ------------------------------------------------------------------------------

export type Method = 'native' | 'h5' | 'page' | 'wap';
type Provider = 'wechatpay' | 'alipay';
const PROVIDER_OF: Record<Method, Provider> = { native: 'wechatpay', h5: 'wechatpay', page: 'alipay', wap: 'alipay' };
/** how the provider's payment notification travels: at once, several times, late and racing the result page's check, lost, or held back and delivered at a later step (out of order) */
export type Delivery = 'now' | 'duplicate' | 'delayed' | 'dropped' | 'held';
type Notice = 'now' | 'duplicate' | 'dropped';

export type RailOp =
  | { t: 'checkout'; buyer: number; items: Array<{ sku: number; qty: number }>; method: Method }
  | { t: 'start'; order: number; method: Method; busy: boolean }
  | { t: 'buyerPays'; attempt: number; delivery: Delivery }
  | { t: 'deliverHeld'; pick: number }
  | { t: 'check'; order: number }
  | { t: 'cancel'; order: number }
  | { t: 'sweep'; minutes: number; queryFault: boolean }
  | { t: 'complete'; order: number }
  | { t: 'refund'; order: number; parts: Array<{ line: number; mode: 'full' | 'half' | 'some' | 'over'; frac: number }>; shipping: boolean; fault: 'none' | 'system' | 'tamper' }
  | { t: 'settleRefund'; pick: number; notice: Notice }
  | { t: 'returnLate'; pick: number }
  | { t: 'withdraw'; member: number; channel: 'alipay' | 'wechat'; payee: 'ok' | 'frozen' | 'dealing'; pct: number }
  | { t: 'settleTransfer'; pick: number; status: 'SUCCESS' | 'FAIL' }
  | { t: 'confirmTransfer'; pick: number; notice: Notice }
  | { t: 'expireTransfer'; pick: number; notice: 'now' | 'dropped' };

const idx = fc.nat({ max: 40 });
const method = fc.constantFrom<Method>('native', 'h5', 'page', 'wap');
const notice = fc.constantFrom<Notice>('now', 'now', 'duplicate', 'dropped');

export const railOpArbitrary: fc.Arbitrary<RailOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('checkout' as const), buyer: fc.nat({ max: PARENT.length - 1 }), items: fc.array(fc.record({ sku: fc.nat({ max: 2 }), qty: fc.integer({ min: 1, max: 2 }) }), { minLength: 1, maxLength: 3 }), method }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('start' as const), order: idx, method, busy: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('buyerPays' as const), attempt: idx, delivery: fc.constantFrom<Delivery>('now', 'now', 'duplicate', 'delayed', 'dropped', 'held') }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('deliverHeld' as const), pick: idx }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('check' as const), order: idx }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), order: idx }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('sweep' as const), minutes: fc.constantFrom(31, 31, 180, 1_440, 8 * 1_440), queryFault: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('complete' as const), order: idx }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      order: idx,
      parts: fc.uniqueArray(fc.record({ line: fc.nat({ max: 2 }), mode: fc.constantFrom('full' as const, 'half' as const, 'some' as const, 'some' as const, 'over' as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 0, maxLength: 3, selector: (p) => p.line }),
      shipping: fc.boolean(),
      fault: fc.constantFrom('none' as const, 'none' as const, 'system' as const, 'tamper' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('settleRefund' as const), pick: idx, notice }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('returnLate' as const), pick: idx }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('withdraw' as const), member: fc.nat({ max: PARENT.length - 1 }), channel: fc.constantFrom('alipay' as const, 'wechat' as const), payee: fc.constantFrom('ok' as const, 'ok' as const, 'frozen' as const, 'dealing' as const), pct: fc.integer({ min: 10, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('settleTransfer' as const), pick: idx, status: fc.constantFrom('SUCCESS' as const, 'SUCCESS' as const, 'FAIL' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('confirmTransfer' as const), pick: idx, notice }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('expireTransfer' as const), pick: idx, notice: fc.constantFrom('now' as const, 'dropped' as const) }) },
);

// --- the environment: fakes and the app ----------------------------------------------------------

const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type Totals = Record<Provider, { in: number; out: number }>;
type PayoutTotals = Record<'alipay' | 'wechat', number>;
const zeroTotals = (): Totals => ({ wechatpay: { in: 0, out: 0 }, alipay: { in: 0, out: 0 } });

export interface RailsStats {
  worlds: number;
  steps: number;
  noops: number;
  orders: number;
  attempts: number;
  buyerPayments: number;
  paidOrders: number;
  deliveries: number;
  duplicateDeliveries: number;
  dropped: number;
  held: number;
  delayed: number;
  paymentChecks: number;
  sweeps: number;
  queryFaults: number;
  prepayFaults: number;
  latePayments: number;
  returns: number;
  refunds: number;
  refundFaults: number;
  refundsSettled: number;
  payouts: number;
  payoutsPaid: number;
  payoutsFailed: number;
  rejectedAsExpected: number;
  fenLost: number;
  /** wall time per operation kind and for the checks (ms), for tuning */
  timings: Record<string, number>;
  /** how often rare paths were reached */
  seen: Record<string, number>;
}

export function emptyRailsStats(): RailsStats {
  return { worlds: 0, steps: 0, noops: 0, orders: 0, attempts: 0, buyerPayments: 0, paidOrders: 0, deliveries: 0, duplicateDeliveries: 0, dropped: 0, held: 0, delayed: 0, paymentChecks: 0, sweeps: 0, queryFaults: 0, prepayFaults: 0, latePayments: 0, returns: 0, refunds: 0, refundFaults: 0, refundsSettled: 0, payouts: 0, payoutsPaid: 0, payoutsFailed: 0, rejectedAsExpected: 0, fenLost: 0, timings: {}, seen: {} };
}

export interface RailsEnv {
  app: TestApp;
  wx: WechatpayFake;
  wxt: WechatTransferFake;
  ali: AlipayFake;
  owner: FastMember;
  skuIds: number[];
  seq: { n: number; world: number };
  /** what the model says each fake holds, and what our books hold (all worlds of this app) */
  fake: Totals;
  ours: Totals;
  payoutFake: PayoutTotals;
  payoutOurs: PayoutTotals;
  /** every WeChat transfer bill number made here (the fake lists bills by number only) */
  billNos: string[];
  stats: RailsStats;
  close(): Promise<void>;
}

/** The fakes, and the app configured against them and listening on loopback. */
export async function startRailsEnv(kind: DatabaseKind): Promise<RailsEnv> {
  const merchant = rsa();
  const alipayApp = rsa();
  const alipayKey = rsa();
  const apiV3Key = crypto.randomBytes(16).toString('hex');
  const wx = await startWechatpayFake({ mchid: MCHID, merchantPublicKeyPem: merchant.publicKey, merchantSerial: MERCHANT_SERIAL, apiV3Key, appids: [APPID], platform: 'publicKey' });
  // one merchant: the transfer API answers and notifies under the same 微信支付公钥 as payments
  const wxt = await startWechatTransferFake({
    mchid: MCHID,
    merchantPublicKeyPem: merchant.publicKey,
    merchantSerial: MERCHANT_SERIAL,
    platformPrivateKeyPem: wx.platformPrivateKeyPem,
    platformSerial: wx.publicKeyId,
    apiV3Key,
    appids: [APPID],
    balanceFen: 1_000_000_000,
  });
  const ali = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: alipayApp.publicKey, alipayPrivateKeyPem: alipayKey.privateKey, notifyRetryDelaysMs: [20, 20], balanceFen: 1_000_000_000 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // api.mch.weixin.qq.com serves both; here they are two fakes: route the transfer paths to the transfer fake
  const fetchFn: typeof fetch = (input, init) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (href.startsWith(`${wx.url}/v3/fund-app/`)) return fetch(`${wxt.baseUrl}${href.slice(wx.url.length)}`, init);
    return fetch(input, init);
  };
  const app = await startTestApp(kind, {
    rules: RAILS_RULES,
    fetchFn,
    config: {
      publicUrl: base,
      paymentQueryAfterMs: 120_000,
      devPayoutProvider: false,
      wechatpay: {
        mchid: MCHID,
        merchantSerial: MERCHANT_SERIAL,
        merchantPrivateKeyPem: merchant.privateKey,
        apiV3Key,
        platform: { mode: 'publicKey', publicKeyId: wx.publicKeyId, publicKeyPem: wx.platformPublicKeyPem },
        baseUrl: wx.url,
        notifyUrl: `${base}/api/payments/wechatpay/notify`,
        appids: { oa: APPID },
      },
      alipay: { appId: ALIPAY_APP_ID, privateKeyPem: alipayApp.privateKey, alipayPublicKeyPem: alipayKey.publicKey, gateway: ali.gateway, notifyUrl: `${base}/api/payments/alipay/notify` },
      payoutChannels: {
        wechat: { appid: APPID, sceneId: '1005', sceneReportInfos: [{ infoType: '岗位类型', infoContent: '分销推广员' }, { infoType: '报酬说明', infoContent: '分销佣金提现' }], notifyUrl: `${base}/api/payouts/wechat/notify` },
        alipay: true,
      },
    },
  });
  await app.http.listen({ port, host: '127.0.0.1' });
  const owner = await fastMember(app, { hqRole: 'owner', nickname: 'hq-owner' });
  const product = await call(app, 'POST', '/api/admin/products', {
    token: owner.token,
    body: { title: '真实通道商品', category: 'rails', skus: SKU_PRICES.map((priceFen, i) => ({ name: `规格${i + 1}`, priceFen, stock: 10_000_000 })) },
  });
  if (product.status !== 201) throw new Error(`product failed: ${JSON.stringify(product.body)}`);
  return {
    app,
    wx,
    wxt,
    ali,
    owner,
    skuIds: product.body.skus.map((s: { id: number }) => s.id),
    seq: { n: 0, world: 0 },
    fake: zeroTotals(),
    ours: zeroTotals(),
    payoutFake: { alipay: 0, wechat: 0 },
    payoutOurs: { alipay: 0, wechat: 0 },
    billNos: [],
    stats: emptyRailsStats(),
    async close() {
      await wx.settled().catch(() => undefined);
      await app.close();
      await Promise.allSettled([wx.close(), wxt.close(), ali.close()]);
    },
  };
}

// --- the reference model -------------------------------------------------------------------------

export class RailsMismatch extends Error {
  constructor(message: string, readonly fen = 0) {
    super(message);
    this.name = 'RailsMismatch';
  }
}

interface Balances {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
}
interface MEarning {
  lineId: number;
  earner: number;
  amountFen: number;
  reversedFen: number;
  state: 'pending' | 'frozen' | 'available' | 'reversed';
  frozenUntil?: number;
}
interface MLine {
  id: number;
  paidFen: number;
  refundedFen: number;
}
type OrderStatus = 'pending_payment' | 'paid' | 'completed' | 'closed' | 'refunded';
interface MOrder {
  id: number;
  buyer: number;
  status: OrderStatus;
  lines: MLine[];
  shippingFen: number;
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  attempts: MAttempt[];
  paidBy?: MAttempt;
  earnings: MEarning[];
}
interface MAttempt {
  seq: number;
  order: MOrder;
  provider: Provider;
  method: Method;
  /** unknown while the app never answered with it (the first prepay failed) */
  outTradeNo?: string;
  amountFen: number;
  /** at the provider: not there yet, payable, paid, closed */
  fake: 'absent' | 'open' | 'paid' | 'closed';
  /** our payments row; 'unsure' for an attempt the provider never had whose close depends on query order (no money either way) */
  ours: 'created' | 'succeeded' | 'closed' | 'unsure';
  /** arrived for an order that could not take it: due back to the buyer */
  late: boolean;
  returned: 'no' | 'processing' | 'succeeded';
  /** its notification was held back, to be delivered at a later step */
  held: boolean;
  /** the provider's query of this attempt fails this many more times */
  queryFails: number;
}
interface MMoneyBack {
  kind: 'refund' | 'return';
  refundNo: string;
  provider: Provider;
  amountFen: number;
  ours: 'processing' | 'succeeded';
  fake: 'absent' | 'processing' | 'success';
  order: MOrder;
  lines: Array<{ lineId: number; amountFen: number }>;
  shippingFen: number;
  attempt?: MAttempt;
}
interface MPayout {
  id: number;
  payoutNo: string;
  businessNo: string;
  member: number;
  channel: 'alipay' | 'wechat';
  amountFen: number;
  feeFen: number;
  netFen: number;
  ours: 'processing' | 'paid' | 'failed';
  fake: 'none' | 'dealing' | 'wait' | 'success' | 'fail' | 'cancelled';
}

const mulDivFloor = (a: number, b: number, c: number) => Number((BigInt(a) * BigInt(b)) / BigInt(c));

/** One world: five fresh members in a small tree, and everything they and HQ do. */
export class RailsWorld {
  readonly balances: Balances[] = [];
  readonly orders: MOrder[] = [];
  readonly moneyBacks: MMoneyBack[] = [];
  readonly payouts: MPayout[] = [];
  readonly log: string[] = [];
  private attemptSeq = 0;
  private readonly lastCheck = new Map<number, number>();
  private readonly payees = new Set<string>();

  private constructor(
    readonly env: RailsEnv,
    readonly members: FastMember[],
    readonly worldNo: number,
  ) {
    for (let i = 0; i < members.length; i++) this.balances.push({ pendingFen: 0, frozenFen: 0, availableFen: 0, withdrawingFen: 0, debtFen: 0 });
  }

  static async create(env: RailsEnv): Promise<RailsWorld> {
    env.seq.world += 1;
    env.stats.worlds += 1;
    const members: FastMember[] = [];
    for (let i = 0; i < PARENT.length; i++) {
      members.push(await fastMember(env.app, { inviteCode: PARENT[i] >= 0 ? members[PARENT[i]].inviteCode : undefined, nickname: `r${i}` }));
    }
    // each member signed in with WeChat once (the identity suite's business): the link WeChat transfers need
    const now = env.app.clock.now();
    await env.app.services.db
      .insertInto('member_wechat_identities')
      .values(members.map((m, i) => ({ member_id: m.id, app_kind: 'oa' as const, appid: APPID, openid: `oRw_${process.pid}_${env.seq.world}_${i}_${crypto.randomBytes(3).toString('hex')}`, unionid: null, created_at: now })))
      .execute();
    return new RailsWorld(env, members, env.seq.world);
  }

  private get app() {
    return this.env.app;
  }
  private get stats() {
    return this.env.stats;
  }
  private saw(what: string) {
    this.stats.seen[what] = (this.stats.seen[what] ?? 0) + 1;
  }
  private key(prefix: string): string {
    this.env.seq.n += 1;
    return `${prefix}-${process.pid}-${this.env.seq.n}`;
  }
  private now(): number {
    return this.app.clock.now().getTime();
  }
  private expect(res: ApiResponse, status: number, code: string | undefined, what: string) {
    if (res.status !== status || (code !== undefined && res.body?.code !== code)) {
      throw new RailsMismatch(`${what}: expected ${status}${code ? ` ${code}` : ''}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (status >= 400) this.stats.rejectedAsExpected += 1;
  }

  // --- the reference arithmetic (an independent rewrite of what the rules say) ---------------------

  private chain(buyer: number): number[] {
    const chain: number[] = [];
    for (let m = PARENT[buyer]; m >= 0 && chain.length < RATES_BP.length; m = PARENT[m]) chain.push(m);
    return chain;
  }

  private planEarnings(order: MOrder): MEarning[] {
    const chain = this.chain(order.buyer);
    const planned: MEarning[] = [];
    for (const line of order.lines) {
      chain.forEach((earner, i) => planned.push({ lineId: line.id, earner, amountFen: mulDivFloor(line.paidFen, RATES_BP[i], 10_000), reversedFen: 0, state: 'pending' }));
    }
    const goods = order.lines.reduce((s, l) => s + l.paidFen, 0);
    const cap = mulDivFloor(goods, CAP_BP, 10_000);
    const total = planned.reduce((s, e) => s + e.amountFen, 0);
    if (total > cap) for (const e of planned) e.amountFen = mulDivFloor(e.amountFen, cap, total);
    return planned.filter((e) => e.amountFen > 0);
  }

  private takeFromAvailableThenDebt(member: number, amount: number) {
    const b = this.balances[member];
    const fromAvailable = Math.min(Math.max(b.availableFen, 0), amount);
    b.availableFen -= fromAvailable;
    b.debtFen += amount - fromAvailable;
  }

  private reverseLine(order: MOrder, line: MLine) {
    for (const e of order.earnings) {
      if (e.lineId !== line.id) continue;
      const target = line.refundedFen >= line.paidFen ? e.amountFen : mulDivFloor(e.amountFen, line.refundedFen, line.paidFen);
      const delta = target - e.reversedFen;
      if (delta <= 0) continue;
      const b = this.balances[e.earner];
      if (e.state === 'pending') b.pendingFen -= delta;
      else if (e.state === 'frozen') b.frozenFen -= delta;
      else {
        this.takeFromAvailableThenDebt(e.earner, delta);
        this.saw('reversal of available commission');
        if (this.balances[e.earner].debtFen > 0) this.saw('refund left a debt');
      }
      e.reversedFen = target;
      if (target === e.amountFen) e.state = 'reversed';
    }
  }

  private openFen(order: MOrder, lineId: number): number {
    return this.moneyBacks.filter((r) => r.kind === 'refund' && r.order === order && r.ours === 'processing').reduce((s, r) => s + (r.lines.find((l) => l.lineId === lineId)?.amountFen ?? 0), 0);
  }

  // --- model transitions -------------------------------------------------------------------------

  /** The app applied the provider's verified word that this attempt was paid (callback, query or close answer). */
  private learn(a: MAttempt): 'applied' | 'duplicate' {
    if (a.ours === 'succeeded') return 'duplicate';
    if (a.fake !== 'paid') throw new RailsMismatch(`model: learning a payment the provider does not have (${a.outTradeNo} is ${a.fake})`);
    a.ours = 'succeeded';
    this.env.ours[a.provider].in += a.amountFen;
    const o = a.order;
    if (o.status === 'pending_payment') {
      o.status = 'paid';
      o.paidBy = a;
      o.paidFen = a.amountFen;
      o.earnings = this.planEarnings(o);
      for (const e of o.earnings) this.balances[e.earner].pendingFen += e.amountFen;
      this.stats.paidOrders += 1;
      return 'applied';
    }
    // closed, or paid by another attempt: kept, listed by reconciliation, returned by finance
    this.saw(`late payment of a ${o.status} order`);
    a.late = true;
    this.stats.latePayments += 1;
    return 'duplicate';
  }

  /** PaymentsService.closeAttempt as the model sees it: closed at the provider, or found paid there. */
  private closeAttempt(a: MAttempt) {
    if (a.fake === 'paid') {
      this.learn(a);
      return;
    }
    if (a.fake === 'open') a.fake = 'closed';
    a.ours = 'closed';
  }

  private moneyBackSucceeded(mb: MMoneyBack) {
    if (mb.ours === 'succeeded') return;
    if (mb.fake !== 'success') throw new RailsMismatch(`model: refund ${mb.refundNo} applied before the provider paid it back (${mb.fake})`);
    mb.ours = 'succeeded';
    this.env.ours[mb.provider].out += mb.amountFen;
    this.stats.refundsSettled += 1;
    if (mb.kind === 'return') {
      mb.attempt!.returned = 'succeeded';
      return;
    }
    const order = mb.order;
    for (const rl of [...mb.lines].sort((a, b) => a.lineId - b.lineId)) {
      const line = order.lines.find((l) => l.id === rl.lineId)!;
      line.refundedFen += rl.amountFen;
      this.reverseLine(order, line);
    }
    order.refundedFen += mb.amountFen;
    if (order.refundedFen >= order.paidFen) {
      order.status = 'refunded';
      this.saw('order fully refunded');
    }
    if (order.status === 'completed') this.saw('refund of a completed order');
  }

  private fakeRefunded(mb: MMoneyBack) {
    mb.fake = 'success';
    this.env.fake[mb.provider].out += mb.amountFen;
  }

  private payoutFinished(p: MPayout, result: 'paid' | 'failed') {
    if (p.ours !== 'processing') return;
    const b = this.balances[p.member];
    b.withdrawingFen -= p.amountFen;
    p.ours = result;
    if (result === 'paid') {
      this.env.payoutOurs[p.channel] += p.netFen;
      this.stats.payoutsPaid += 1;
    } else {
      b.availableFen += p.amountFen;
      this.stats.payoutsFailed += 1;
    }
  }

  private unfreezeModel() {
    const now = this.now();
    for (const order of this.orders) {
      for (const e of order.earnings) {
        if (e.state !== 'frozen' || e.frozenUntil! > now) continue;
        const b = this.balances[e.earner];
        const remaining = e.amountFen - e.reversedFen;
        const toDebt = Math.min(Math.max(b.debtFen, 0), remaining);
        b.frozenFen -= remaining;
        b.debtFen -= toDebt;
        b.availableFen += remaining - toDebt;
        e.state = 'available';
      }
    }
  }

  // --- driving one operation -------------------------------------------------------------------

  async apply(op: RailOp): Promise<void> {
    this.stats.steps += 1;
    this.log.push(JSON.stringify(op));
    switch (op.t) {
      case 'checkout':
        return this.checkout(op);
      case 'start': {
        const pending = this.orders.filter((o) => o.status === 'pending_payment');
        const order = (pending.length ? pending : this.orders)[op.order % Math.max(1, (pending.length ? pending : this.orders).length)];
        if (!order) return this.progressToOpen(op.order);
        return this.start(order, op.method, op.busy);
      }
      case 'buyerPays': {
        const a = this.any(this.allAttempts().filter((x) => x.fake === 'open'), op.attempt);
        if (!a) return this.progressToOpen(op.attempt);
        return this.buyerPays(a, op.delivery);
      }
      case 'deliverHeld': {
        const a = this.any(this.allAttempts().filter((x) => x.held), op.pick);
        if (a) return this.deliverHeld(a);
        const open = this.any(this.allAttempts().filter((x) => x.fake === 'open'), op.pick);
        return open ? this.buyerPays(open, 'held') : this.progressToOpen(op.pick);
      }
      case 'check': {
        const order = this.any(this.orders, op.order);
        return order ? this.paymentCheck(order) : this.progressToOpen(op.order);
      }
      case 'cancel': {
        const order = this.any(this.orders.filter((o) => o.status === 'pending_payment'), op.order) ?? this.any(this.orders, op.order);
        return order ? this.cancel(order) : this.progressToOpen(op.order);
      }
      case 'sweep':
        return this.sweep(op.minutes, op.queryFault);
      case 'complete': {
        const order = this.any(this.orders.filter((o) => o.status === 'paid'), op.order) ?? this.any(this.orders.filter((o) => o.paidBy), op.order);
        return order ? this.complete(order) : this.progressToPaid(op.order);
      }
      case 'refund': {
        const order = this.any(this.orders.filter((o) => o.status === 'paid' || o.status === 'completed'), op.order) ?? this.any(this.orders.filter((o) => o.paidBy), op.order);
        return order ? this.refund(order, op) : this.progressToPaid(op.order);
      }
      case 'settleRefund': {
        const mb = this.any(this.moneyBacks.filter((m) => m.provider === 'wechatpay' && m.fake === 'processing'), op.pick);
        if (mb) return this.settleWechatRefund(mb, op.notice);
        const order = this.any(this.orders.filter((o) => (o.status === 'paid' || o.status === 'completed') && o.paidBy!.provider === 'wechatpay'), op.pick);
        return order ? this.refund(order, { parts: [{ line: 0, mode: 'half', frac: 0.5 }], shipping: false, fault: 'none' }) : this.progressToPaid(op.pick);
      }
      case 'returnLate': {
        const a = this.any(this.allAttempts().filter((x) => x.late && x.returned === 'no'), op.pick);
        if (a) return this.returnLate(a);
        // a late payment in the making: the buyer cancels an order whose QR / cashier is still open
        const order = this.any(this.orders.filter((o) => o.status === 'pending_payment' && o.attempts.some((x) => x.fake === 'open')), op.pick);
        return order ? this.cancel(order) : this.progressToOpen(op.pick);
      }
      case 'withdraw':
        return this.withdraw(op);
      case 'settleTransfer': {
        const p = this.any(this.payouts.filter((x) => x.channel === 'alipay' && x.fake === 'dealing'), op.pick);
        return p ? this.settleAlipayTransfer(p, op.status) : this.withdraw({ t: 'withdraw', member: op.pick, channel: 'alipay', payee: 'dealing', pct: 50 });
      }
      case 'confirmTransfer':
      case 'expireTransfer': {
        const p = this.any(this.payouts.filter((x) => x.channel === 'wechat' && x.fake === 'wait'), op.pick);
        if (!p) return this.withdraw({ t: 'withdraw', member: op.pick, channel: 'wechat', payee: 'ok', pct: 50 });
        return op.t === 'confirmTransfer' ? this.confirmWechatTransfer(p, op.notice) : this.expireWechatTransfer(p, op.notice);
      }
    }
  }

  private any<T>(list: T[], i: number): T | undefined {
    return list.length === 0 ? undefined : list[i % list.length];
  }

  // --- when an operation has nothing to act on, it moves the world towards what it needs ----------

  /** towards an attempt the buyer can pay: start paying a pending order, else check out (which starts) */
  private async progressToOpen(seed: number) {
    this.stats.noops += 1;
    const methods: Method[] = ['native', 'h5', 'page', 'wap'];
    const pending = this.any(this.orders.filter((o) => o.status === 'pending_payment' && !o.attempts.some((a) => a.fake === 'open' || a.fake === 'paid')), seed);
    if (pending) return this.start(pending, methods[seed % 4], false);
    return this.checkout({ t: 'checkout', buyer: 1 + (seed % (PARENT.length - 1)), items: [{ sku: seed % 3, qty: 1 + (seed % 2) }], method: methods[(seed >> 2) % 4] });
  }

  /** towards a paid order: the buyer pays an open attempt (callback at once), else towards one */
  private async progressToPaid(seed: number) {
    const open = this.any(this.allAttempts().filter((x) => x.fake === 'open' && x.order.status === 'pending_payment'), seed);
    if (open) {
      this.stats.noops += 1;
      return this.buyerPays(open, 'now');
    }
    return this.progressToOpen(seed);
  }

  /** towards available commission: the clock past the freeze, else a completion, else a paid order */
  private async progressToAvailable(seed: number) {
    if (this.orders.some((o) => o.earnings.some((e) => e.state === 'frozen'))) {
      this.stats.noops += 1;
      return this.sweep(FREEZE_DAYS * 1_440 + 60);
    }
    const paid = this.any(this.orders.filter((o) => o.status === 'paid' && o.earnings.length > 0), seed);
    if (paid) {
      this.stats.noops += 1;
      return this.complete(paid);
    }
    return this.progressToPaid(seed);
  }

  private allAttempts(): MAttempt[] {
    return this.orders.flatMap((o) => o.attempts);
  }

  private async checkout(op: Extract<RailOp, { t: 'checkout' }>) {
    const buyer = this.members[op.buyer];
    const res = await call(this.app, 'POST', '/api/orders', { token: buyer.token, body: { items: op.items.map((i) => ({ skuId: this.env.skuIds[i.sku], quantity: i.qty })), checkoutKey: this.key('co') } });
    this.expect(res, 201, undefined, 'checkout');
    const o = res.body;
    const goods = op.items.reduce((s, i) => s + SKU_PRICES[i.sku] * i.qty, 0);
    const discount = goods >= REDUCTION.thresholdFen ? REDUCTION.offFen : 0;
    const shipping = goods >= FREE_SHIPPING_MIN_FEN ? 0 : SHIPPING_FEN;
    const linesPaid = o.lines.reduce((s: number, l: { paidFen: number }) => s + l.paidFen, 0);
    if (o.payableFen !== goods - discount + shipping || linesPaid !== goods - discount || o.shippingFen !== shipping) {
      throw new RailsMismatch(`checkout priced ${o.payableFen} (lines ${linesPaid}, shipping ${o.shippingFen}); expected ${goods - discount + shipping}`);
    }
    const order: MOrder = {
      id: o.id,
      buyer: op.buyer,
      status: 'pending_payment',
      lines: o.lines.map((l: { id: number; paidFen: number }) => ({ id: l.id, paidFen: l.paidFen, refundedFen: 0 })),
      shippingFen: shipping,
      payableFen: o.payableFen,
      paidFen: 0,
      refundedFen: 0,
      attempts: [],
      earnings: [],
    };
    this.orders.push(order);
    this.stats.orders += 1;
    // the shop goes on to pay at once, by where it runs
    await this.start(order, op.method, false);
  }

  /** POST /api/orders/:id/pay: reuse the same method's open attempt, close the others at their provider first. */
  private async start(order: MOrder, m: Method, busy: boolean) {
    const provider = PROVIDER_OF[m];
    const buyer = this.members[order.buyer];
    const pay = () => call(this.app, 'POST', `/api/orders/${order.id}/pay`, { token: buyer.token, body: { provider, method: m } });
    if (order.status !== 'pending_payment') return this.expect(await pay(), 409, 'ORDER_NOT_PAYABLE', `paying a ${order.status} order`);
    const open = order.attempts.filter((a) => a.ours === 'created');
    if (order.attempts.some((a) => a.ours === 'unsure')) throw new RailsMismatch('model: an unsure attempt on a payable order');
    const same = [...open].sort((a, b) => b.seq - a.seq).find((a) => a.provider === provider && a.method === m);
    const others = open.filter((a) => a !== same).sort((a, b) => b.seq - a.seq);
    // will the close of the others find one paid (the order is then paid, and this start refused)?
    const foundPaid = others.some((a) => a.fake === 'paid');
    const reusedPaid = same?.fake === 'paid';
    const injectBusy = busy && provider === 'wechatpay' && !foundPaid && !reusedPaid;
    if (injectBusy) this.env.wx.failNext(`/v3/pay/transactions/${m}`, { status: 500, code: 'SYSTEM_ERROR' });
    const res = await pay();
    for (const a of others) this.closeAttempt(a);
    if (foundPaid) {
      this.saw('switch found the other attempt paid');
      // the row of the new attempt was made before the close; it never reached a provider and holds no money
      for (const a of order.attempts) if (a.fake === 'absent' && a.ours === 'created') a.ours = 'unsure';
      return this.expect(res, 409, 'ORDER_NOT_PAYABLE', 'a method switch that found the other attempt paid');
    }
    let attempt = same;
    if (!attempt) {
      attempt = { seq: ++this.attemptSeq, order, provider, method: m, amountFen: order.payableFen, fake: 'absent', ours: 'created', late: false, returned: 'no', held: false, queryFails: 0 };
      order.attempts.push(attempt);
      this.stats.attempts += 1;
    }
    if (injectBusy) {
      this.stats.prepayFaults += 1;
      return this.expect(res, 503, 'PAYMENT_PROVIDER_BUSY', 'a prepay WeChat answered SYSTEM_ERROR');
    }
    if (reusedPaid) this.saw(`pay again a ${provider} attempt paid at the provider`);
    if (same) this.saw('attempt reused');
    if (others.length) this.saw('method switch closed another attempt');
    if (reusedPaid && provider === 'wechatpay') {
      // the buyer paid, the callback was lost, and the shop asks to pay again: WeChat answers ORDERPAID. Today the
      // app answers 502 and applies nothing (the regression test in real-rails.test.ts); once it applies the
      // verified answer it is 409 ORDER_NOT_PAYABLE with the order paid. The model follows whichever it is.
      if (res.status === 409 && res.body?.code === 'ORDER_NOT_PAYABLE') {
        this.learn(same!);
        return;
      }
      return this.expect(res, 502, 'PAYMENT_PROVIDER_REFUSED', 'paying again an attempt WeChat has as paid');
    }
    this.expect(res, 200, undefined, 'pay');
    if (res.body.amountFen !== order.payableFen) throw new RailsMismatch(`payment of ${res.body.amountFen} for an order of ${order.payableFen}`);
    if (attempt.outTradeNo && res.body.outTradeNo !== attempt.outTradeNo) throw new RailsMismatch(`the ${m} attempt ${attempt.outTradeNo} was not reused (got ${res.body.outTradeNo})`);
    if (!attempt.outTradeNo && order.attempts.some((a) => a.outTradeNo === res.body.outTradeNo)) throw new RailsMismatch(`a new ${m} attempt reused ${res.body.outTradeNo}`);
    attempt.outTradeNo = res.body.outTradeNo;
    if (provider === 'wechatpay') {
      if (attempt.fake === 'absent') attempt.fake = 'open';
      const at = this.env.wx.orders.get(attempt.outTradeNo!);
      const state = { open: 'NOTPAY', paid: 'SUCCESS', closed: 'CLOSED', absent: undefined }[attempt.fake];
      if (at?.state !== state || at.total !== attempt.amountFen) throw new RailsMismatch(`WeChat has ${attempt.outTradeNo} as ${at?.state} ${at?.total}, model ${attempt.fake} ${attempt.amountFen}`);
      return;
    }
    // Alipay: the shop sends the buyer to the cashier at once (the trade exists at Alipay from then on)
    await fetch(String(res.body.params.payUrl)).then((r) => r.arrayBuffer());
    if (attempt.fake === 'absent') attempt.fake = 'open';
    const trade = this.env.ali.trades.get(attempt.outTradeNo!);
    const status = { open: 'WAIT_BUYER_PAY', paid: 'TRADE_SUCCESS', closed: 'TRADE_CLOSED', absent: undefined }[attempt.fake];
    if (trade?.status !== status || trade.totalFen !== attempt.amountFen) throw new RailsMismatch(`Alipay has ${attempt.outTradeNo} as ${trade?.status} ${trade?.totalFen}, model ${attempt.fake} ${attempt.amountFen}`);
  }

  /** The buyer pays an attempt the provider still takes; its notification travels as `delivery` says. */
  private async buyerPays(a: MAttempt, d: Delivery) {
    const no = a.outTradeNo!;
    a.fake = 'paid';
    this.env.fake[a.provider].in += a.amountFen;
    this.stats.buyerPayments += 1;
    if (d === 'dropped' || d === 'held') {
      if (a.provider === 'wechatpay') await this.env.wx.pay(no, { dropped: true });
      else await this.env.ali.pay(no, { dropped: true });
      this.stats.dropped += 1;
      if (d === 'held') {
        a.held = true;
        this.stats.held += 1;
      }
      return;
    }
    const duplicates = d !== 'duplicate' ? 0 : a.provider === 'wechatpay' ? 1 + (a.seq % 2) : 1;
    const deliver = () =>
      a.provider === 'wechatpay'
        ? this.env.wx.pay(no, { duplicate: duplicates, delayMs: d === 'delayed' ? 25 : undefined }).then((ds) => this.wechatDelivered(ds, 1 + duplicates))
        : this.env.ali.pay(no, { duplicate: duplicates > 0, delayMs: d === 'delayed' ? 25 : undefined }).then((o) => this.alipayDelivered(o.acknowledged));
    if (d === 'delayed') {
      // the callback comes late, racing the result page's check: applied once either way
      this.stats.delayed += 1;
      await Promise.all([deliver(), this.checkCall(a.order)]);
    } else await deliver();
    this.stats.deliveries += 1 + duplicates;
    this.stats.duplicateDeliveries += duplicates;
    this.learn(a);
    // the check may have closed attempts the provider never had (no money either way)
    if (d === 'delayed' && a.order.status !== 'pending_payment') for (const x of a.order.attempts) if (x.ours === 'created' && x.fake === 'absent') x.ours = 'unsure';
  }

  private wechatDelivered(deliveries: Array<{ status: number | string }>, expected: number) {
    if (deliveries.length !== expected || deliveries.some((x) => x.status !== 204)) throw new RailsMismatch(`WeChat's notifications were answered ${deliveries.map((x) => x.status).join(',')} (expected ${expected} × 204)`);
  }
  private alipayDelivered(acknowledged: boolean) {
    if (!acknowledged) throw new RailsMismatch("Alipay's notification was not answered success");
  }

  /** A notification held back is delivered now, after whatever happened meanwhile. */
  private async deliverHeld(a: MAttempt) {
    a.held = false;
    if (a.provider === 'wechatpay') this.wechatDelivered(await this.env.wx.notify({ outTradeNo: a.outTradeNo! }), 1);
    else this.alipayDelivered((await this.env.ali.notify(a.outTradeNo!)).acknowledged);
    this.stats.deliveries += 1;
    if (a.ours === 'succeeded') this.stats.duplicateDeliveries += 1;
    this.learn(a);
  }

  /** The result page asks: POST /api/orders/:id/payment-check (the provider is asked at most every 500 ms of wall time per order). */
  private async checkCall(order: MOrder) {
    const res = await call(this.app, 'POST', `/api/orders/${order.id}/payment-check`, { token: this.members[order.buyer].token });
    this.lastCheck.set(order.id, Date.now());
    this.stats.paymentChecks += 1;
    return res;
  }

  private async paymentCheck(order: MOrder) {
    const since = Date.now() - (this.lastCheck.get(order.id) ?? 0);
    if (since < 520) await sleep(520 - since);
    const res = await this.checkCall(order);
    this.expect(res, 200, undefined, 'payment-check');
    if (order.status === 'pending_payment') {
      for (const a of order.attempts.filter((x) => x.ours === 'created' && x.fake === 'paid')) this.learn(a);
      if (order.status !== 'pending_payment') {
        // attempts queried after the paid one are closed; those queried before stay open here (no money: never paid)
        for (const a of order.attempts) {
          if (a.ours !== 'created') continue;
          if (a.fake === 'open') throw new RailsMismatch('model: an open attempt beside a paid one');
          a.ours = 'unsure';
        }
      }
    }
    if (res.body.status !== order.status) throw new RailsMismatch(`payment-check says ${res.body.status}, model ${order.status}`);
    const paid = order.attempts.some((a) => a.ours === 'succeeded');
    if (res.body.paid !== paid) throw new RailsMismatch(`payment-check says paid=${res.body.paid}, model ${paid}`);
  }

  private async cancel(order: MOrder) {
    const res = await call(this.app, 'POST', `/api/orders/${order.id}/cancel`, { token: this.members[order.buyer].token });
    if (order.status !== 'pending_payment') return this.expect(res, 409, 'ORDER_NOT_CANCELLABLE', 'cancel');
    this.expect(res, 200, undefined, 'cancel');
    // its attempts stay payable at the provider until the next sweep closes them there
    order.status = 'closed';
  }

  /**
   * The clock moves on (at least 31 minutes, past every backoff), then what the job runner does: the payment
   * sweep, the close of unpaid orders, the payout sweep, the unfreeze.
   */
  async sweep(minutes: number, queryFault = false) {
    this.stats.sweeps += 1;
    let faulty: MAttempt | undefined;
    if (queryFault) {
      // WeChat cannot be asked about a paid attempt whose callback was lost, twice (before the close, and on its backoff)
      faulty = this.allAttempts().find((a) => a.provider === 'wechatpay' && a.fake === 'paid' && a.ours === 'created' && a.order.status === 'pending_payment');
      if (faulty) {
        const path = `/v3/pay/transactions/out-trade-no/${faulty.outTradeNo}`;
        this.env.wx.failNext(path, { status: 500, code: 'SYSTEM_ERROR' });
        this.env.wx.failNext(path, { status: 500, code: 'SYSTEM_ERROR' });
        faulty.queryFails = 2;
        this.stats.queryFaults += 1;
      }
    }
    this.app.clock.advanceMs(minutes * 60_000);
    await this.app.services.paymentChecks.sweep();
    const created = () => this.allAttempts().filter((a) => a.ours === 'created');
    // 1. attempts of orders about to close: a paid one is applied, so the order is not closed
    for (const a of created().filter((x) => x.order.status === 'pending_payment')) {
      if (a.queryFails > 0) a.queryFails -= 1;
      else if (a.fake === 'paid') this.learn(a);
    }
    // 2. attempts whose order closed or was paid: a paid one is kept as due back, the others closed at the provider
    for (const a of created().filter((x) => x.order.status !== 'pending_payment')) this.closeAttempt(a);
    // 3. the backlog on its backoff: the rest (open, or the one WeChat could not be asked about)
    for (const a of created()) {
      if (a.queryFails > 0) a.queryFails -= 1;
      else if (a.fake === 'paid') this.learn(a);
    }
    // refunds and returns still processing: asked, sent again when the provider never had them
    for (const mb of this.moneyBacks.filter((x) => x.ours === 'processing')) {
      if (mb.fake === 'absent') {
        if (mb.provider === 'wechatpay') mb.fake = 'processing';
        else this.fakeRefunded(mb);
      }
      if (mb.fake === 'success') this.moneyBackSucceeded(mb);
    }
    const closed = await this.app.services.orders.closeUnpaid();
    let closing = 0;
    for (const o of this.orders) {
      if (o.status !== 'pending_payment') continue;
      o.status = 'closed';
      closing += 1;
    }
    // (other worlds have nothing left unpaid)
    if (closed.closed !== closing) throw new RailsMismatch(`closeUnpaid closed ${closed.closed} orders, model ${closing}`);
    await this.app.services.payouts.resendStuck();
    for (const p of this.payouts.filter((x) => x.ours === 'processing')) {
      if (p.fake === 'success') this.payoutFinished(p, 'paid');
      else if (p.fake === 'fail' || p.fake === 'cancelled') this.payoutFinished(p, 'failed');
    }
    const res = await call(this.app, 'POST', '/api/admin/jobs/unfreeze', { token: this.env.owner.token });
    this.expect(res, 200, undefined, 'unfreeze sweep');
    this.unfreezeModel();
  }

  private async complete(order: MOrder) {
    const res = await call(this.app, 'POST', `/api/admin/orders/${order.id}/complete`, { token: this.env.owner.token });
    if (order.status !== 'paid') return this.expect(res, 409, 'ORDER_NOT_COMPLETABLE', 'complete');
    this.expect(res, 200, undefined, 'complete');
    order.status = 'completed';
    const until = this.now() + FREEZE_DAYS * DAY_MS;
    for (const e of order.earnings) {
      if (e.state !== 'pending') continue;
      const remaining = e.amountFen - e.reversedFen;
      this.balances[e.earner].pendingFen -= remaining;
      this.balances[e.earner].frozenFen += remaining;
      e.state = 'frozen';
      e.frozenUntil = until;
    }
  }

  /** HQ refunds lines (and shipping) of a paid order through the rail that took the money, maybe with the provider failing. */
  private async refund(order: MOrder, op: Pick<Extract<RailOp, { t: 'refund' }>, 'parts' | 'shipping' | 'fault'>) {
    const parts = op.parts.filter((p) => p.line < order.lines.length);
    const shippingLeft = order.shippingFen - this.moneyBacks.filter((r) => r.kind === 'refund' && r.order === order).reduce((s, r) => s + r.shippingFen, 0);
    const shippingFen = op.shipping && shippingLeft > 0 ? shippingLeft : 0;
    if (parts.length === 0 && shippingFen === 0) parts.push({ line: 0, mode: 'some', frac: 0.3 });
    let exceeds = false;
    const lines = parts.map((p) => {
      const line = order.lines[p.line];
      const left = line.paidFen - line.refundedFen - this.openFen(order, line.id);
      let amountFen: number;
      if (p.mode === 'full') amountFen = left;
      else if (p.mode === 'half') amountFen = Math.floor(left / 2);
      else if (p.mode === 'some') amountFen = 1 + Math.floor(p.frac * Math.max(left - 1, 0));
      else amountFen = left + 1;
      amountFen = Math.max(amountFen, 1);
      if (amountFen > left) exceeds = true;
      return { lineId: line.id, amountFen };
    });
    const body = { lines, shippingFen: shippingFen || undefined, reason: '真实通道退款', idempotencyKey: this.key('rf') };
    const url = `/api/admin/orders/${order.id}/refunds`;
    const refundable = order.status === 'paid' || order.status === 'completed';
    if (!refundable) return this.expect(await call(this.app, 'POST', url, { token: this.env.owner.token, body }), 409, 'ORDER_NOT_REFUNDABLE', `refund of a ${order.status} order`);
    if (exceeds) return this.expect(await call(this.app, 'POST', url, { token: this.env.owner.token, body }), 422, 'REFUND_EXCEEDS_PAID', 'refund beyond what is left');
    const provider = order.paidBy!.provider;
    if (op.fault === 'system') {
      if (provider === 'wechatpay') this.env.wx.failNext('/v3/refund/domestic/refunds', { status: 500, code: 'SYSTEM_ERROR' });
      else this.env.ali.failNext('alipay.trade.refund', { code: '20000', subCode: 'ACQ.SYSTEM_ERROR' });
    } else if (op.fault === 'tamper') {
      if (provider === 'wechatpay') this.env.wx.tamperNextResponse({ path: '/v3/refund/domestic/refunds' });
      else this.env.ali.tamperNextResponse();
    }
    if (op.fault !== 'none') this.stats.refundFaults += 1;
    const res = await call(this.app, 'POST', url, { token: this.env.owner.token, body });
    this.expect(res, 201, undefined, 'refund');
    const amountFen = lines.reduce((s, l) => s + l.amountFen, 0) + shippingFen;
    const mb: MMoneyBack = { kind: 'refund', refundNo: res.body.refundNo, provider, amountFen, ours: 'processing', fake: 'absent', order, lines, shippingFen };
    this.moneyBacks.push(mb);
    this.stats.refunds += 1;
    if (res.body.amountFen !== amountFen) throw new RailsMismatch(`refund of ${res.body.amountFen}, model ${amountFen}`);
    // WeChat takes it (PROCESSING) unless it answered SYSTEM_ERROR; a tampered answer is unverifiable but the refund exists there.
    // Alipay answers at once (fund_change Y) unless it failed; a tampered answer hides a refund Alipay made.
    if (op.fault !== 'system') {
      if (provider === 'wechatpay') mb.fake = 'processing';
      else this.fakeRefunded(mb);
    }
    if (provider === 'alipay' && op.fault === 'none') this.moneyBackSucceeded(mb);
    if (res.body.status !== mb.ours) throw new RailsMismatch(`a ${provider} refund (${op.fault}) is ${res.body.status}, model ${mb.ours}`);
    await this.expectFakeRefund(mb);
  }

  /** What the provider has for a refund or return, against the model. */
  private async expectFakeRefund(mb: MMoneyBack) {
    if (mb.provider === 'wechatpay') {
      const r = this.env.wx.refunds.get(mb.refundNo);
      const status = { absent: undefined, processing: 'PROCESSING', success: 'SUCCESS' }[mb.fake];
      if (r?.status !== status || (r && r.refund !== mb.amountFen)) throw new RailsMismatch(`WeChat has refund ${mb.refundNo} as ${r?.status} ${r?.refund}, model ${mb.fake} ${mb.amountFen}`);
      return;
    }
    const no = mb.kind === 'return' ? mb.attempt!.outTradeNo! : mb.order.paidBy!.outTradeNo!;
    const r = this.env.ali.trades.get(no)?.refunds.get(mb.refundNo);
    if ((mb.fake === 'success') !== Boolean(r) || (r && r.refundFen !== mb.amountFen)) throw new RailsMismatch(`Alipay has refund ${mb.refundNo} as ${r?.refundFen}, model ${mb.fake} ${mb.amountFen}`);
  }

  /** WeChat finishes a refund and notifies (or the notice is lost, and the sweep asks). */
  private async settleWechatRefund(mb: MMoneyBack, n: Notice) {
    this.fakeRefunded(mb);
    const deliveries = await this.env.wx.settleRefund(mb.refundNo, 'SUCCESS', n === 'dropped' ? { dropped: true } : n === 'duplicate' ? { duplicate: 1 } : {});
    if (n === 'dropped') return;
    this.wechatDelivered(deliveries, n === 'duplicate' ? 2 : 1);
    this.moneyBackSucceeded(mb);
  }

  /** Finance sends a late payment back through the rail that took it: POST /api/admin/payments/:outTradeNo/return. */
  private async returnLate(a: MAttempt) {
    const res = await call(this.app, 'POST', `/api/admin/payments/${a.outTradeNo}/return`, { token: this.env.owner.token, body: { reason: '订单已关闭后才付款，原路退回', idempotencyKey: this.key('ret') } });
    this.expect(res, 201, undefined, 'return of a late payment');
    const mb: MMoneyBack = { kind: 'return', refundNo: res.body.refundNo, provider: a.provider, amountFen: a.amountFen, ours: 'processing', fake: 'absent', order: a.order, lines: [], shippingFen: 0, attempt: a };
    this.moneyBacks.push(mb);
    a.returned = 'processing';
    this.stats.returns += 1;
    if (res.body.amountFen !== a.amountFen || res.body.provider !== a.provider) throw new RailsMismatch(`return of ${res.body.amountFen} via ${res.body.provider}, model ${a.amountFen} via ${a.provider}`);
    if (a.provider === 'wechatpay') mb.fake = 'processing';
    else {
      this.fakeRefunded(mb);
      this.moneyBackSucceeded(mb);
    }
    if (res.body.status !== mb.ours) throw new RailsMismatch(`a ${a.provider} return is ${res.body.status}, model ${mb.ours}`);
    await this.expectFakeRefund(mb);
  }

  private alipayPayee(member: number, kind: 'ok' | 'frozen' | 'dealing'): string {
    const account = `rw${process.pid}.${this.worldNo}.${member}.${kind}@example.com`;
    if (!this.payees.has(account)) {
      this.env.ali.addPayee({ identityType: 'ALIPAY_LOGON_ID', identity: account, name: PAYEE_NAME, frozen: kind === 'frozen', dealing: kind === 'dealing' });
      this.payees.add(account);
    }
    return account;
  }

  private async withdraw(input: Extract<RailOp, { t: 'withdraw' }>) {
    // the chosen member, else any who has enough; else towards available commission
    const able = this.balances.map((b, i) => ({ b, i })).filter((x) => x.b.availableFen >= PAYOUT_MIN_FEN);
    const who = able.find((x) => x.i === input.member % PARENT.length) ?? this.any(able, input.member);
    if (!who) return this.progressToAvailable(input.member);
    const op = { ...input, member: who.i };
    const b = who.b;
    const amountFen = Math.max(PAYOUT_MIN_FEN, Math.floor((b.availableFen * op.pct) / 100));
    const destination = op.channel === 'alipay' ? { account: this.alipayPayee(op.member, op.payee), realName: PAYEE_NAME } : { realName: PAYEE_NAME };
    const res = await call(this.app, 'POST', '/api/me/payouts', { token: this.members[op.member].token, body: { amountFen, channel: op.channel, destination, idempotencyKey: this.key('wd') } });
    this.expect(res, 201, undefined, `withdrawal to ${op.channel}`);
    const feeFen = mulDivFloor(amountFen, PAYOUT_FEE_BP, 10_000);
    if (res.body.amountFen !== amountFen || res.body.feeFen !== feeFen || res.body.netFen !== amountFen - feeFen) throw new RailsMismatch(`withdrawal ${JSON.stringify(res.body)}, model ${amountFen} fee ${feeFen}`);
    const p: MPayout = { id: res.body.id, payoutNo: res.body.payoutNo, businessNo: `${res.body.payoutNo}A1`, member: op.member, channel: op.channel, amountFen, feeFen, netFen: amountFen - feeFen, ours: 'processing', fake: 'none' };
    this.payouts.push(p);
    this.stats.payouts += 1;
    b.availableFen -= amountFen;
    b.withdrawingFen += amountFen;
    if (op.channel === 'wechat') {
      p.fake = 'wait';
      this.env.billNos.push(p.businessNo);
      const bill = this.env.wxt.getBill(p.businessNo);
      if (bill?.state !== 'WAIT_USER_CONFIRM' || bill.amountFen !== p.netFen) throw new RailsMismatch(`WeChat has bill ${p.businessNo} as ${bill?.state} ${bill?.amountFen}, model WAIT_USER_CONFIRM ${p.netFen}`);
      if (res.body.status !== 'processing' || res.body.awaitingConfirmation !== true) throw new RailsMismatch(`a WeChat withdrawal is ${res.body.status} (awaiting ${res.body.awaitingConfirmation})`);
      return;
    }
    if (op.payee === 'ok') {
      p.fake = 'success';
      this.env.payoutFake.alipay += p.netFen;
      this.payoutFinished(p, 'paid');
    } else if (op.payee === 'frozen') this.payoutFinished(p, 'failed');
    else p.fake = 'dealing';
    if (res.body.status !== p.ours) throw new RailsMismatch(`an Alipay withdrawal (${op.payee}) is ${res.body.status}, model ${p.ours}`);
    const x = this.env.ali.transfers.get(p.businessNo);
    const expected = { none: undefined, success: 'SUCCESS', dealing: 'DEALING' }[p.fake as 'none' | 'success' | 'dealing'];
    if (x?.status !== expected || (x && x.amountFen !== p.netFen)) throw new RailsMismatch(`Alipay has transfer ${p.businessNo} as ${x?.status} ${x?.amountFen}, model ${p.fake} ${p.netFen}`);
  }

  /** Alipay settles a DEALING transfer; there is no notification: the sweep's query finds it. */
  private settleAlipayTransfer(p: MPayout, status: 'SUCCESS' | 'FAIL') {
    this.env.ali.settleTransfer(p.businessNo, status);
    if (status === 'SUCCESS') {
      p.fake = 'success';
      this.env.payoutFake.alipay += p.netFen;
    } else p.fake = 'fail';
  }

  /** The receiver confirms in WeChat (确认收款); WeChat notifies MCHTRANSFER.BILL.FINISHED (or the notice is lost). */
  private async confirmWechatTransfer(p: MPayout, n: Notice) {
    await this.env.wxt.confirm(p.businessNo, n === 'dropped' ? { dropped: true } : { duplicate: n === 'duplicate' });
    p.fake = 'success';
    this.env.payoutFake.wechat += p.netFen;
    if (n === 'dropped') return;
    this.transferDelivered(p, n === 'duplicate' ? 2 : 1);
    this.payoutFinished(p, 'paid');
  }

  /** 24 h without confirmation: WeChat cancels the bill, the money goes back to the merchant, and notifies (or the notice is lost: the sweep asks). */
  private async expireWechatTransfer(p: MPayout, n: 'now' | 'dropped') {
    await this.env.wxt.expire(p.businessNo, { dropped: n === 'dropped' });
    p.fake = 'cancelled';
    if (n === 'dropped') return;
    this.transferDelivered(p, 1);
    this.payoutFinished(p, 'failed');
  }

  private transferDelivered(p: MPayout, expected: number) {
    const answers = this.env.wxt.notifications.filter((x) => x.outBillNo === p.businessNo).at(-1)?.answers ?? [];
    if (answers.length !== expected || answers.some((s) => s !== 200 && s !== 204)) throw new RailsMismatch(`the transfer notification of ${p.businessNo} was answered ${answers.join(',')}`);
  }

  // --- settling everything at the end of a world -------------------------------------------------

  private inFlight(): string[] {
    const out: string[] = [];
    for (const a of this.allAttempts()) {
      if (a.fake === 'paid' && a.ours !== 'succeeded') out.push(`payment ${a.outTradeNo} not known here`);
      if (a.held) out.push(`held notification of ${a.outTradeNo}`);
      if (a.late && a.returned !== 'succeeded') out.push(`late payment ${a.outTradeNo} not returned`);
    }
    for (const mb of this.moneyBacks) if (mb.ours !== 'succeeded') out.push(`${mb.kind} ${mb.refundNo} ${mb.fake}`);
    for (const p of this.payouts) if (p.ours === 'processing') out.push(`payout ${p.payoutNo} ${p.fake}`);
    return out;
  }

  /** Delivers, settles, returns and sweeps until nothing is in flight; checks after each action. */
  async drain(): Promise<void> {
    const act = async (what: string, fn: () => Promise<void> | void) => {
      this.log.push(`drain: ${what}`);
      this.app.clock.advanceMs(1_000);
      await fn();
      await this.check();
    };
    for (let round = 0; round < 4 && this.inFlight().length > 0; round++) {
      for (const a of this.allAttempts().filter((x) => x.held)) await act(`deliver held ${a.outTradeNo}`, () => this.deliverHeld(a));
      for (const mb of this.moneyBacks.filter((x) => x.provider === 'wechatpay' && x.fake === 'processing')) await act(`settle ${mb.refundNo}`, () => this.settleWechatRefund(mb, 'now'));
      for (const a of this.allAttempts().filter((x) => x.late && x.returned === 'no')) await act(`return ${a.outTradeNo}`, () => this.returnLate(a));
      for (const p of this.payouts.filter((x) => x.fake === 'wait')) await act(`confirm ${p.businessNo}`, () => this.confirmWechatTransfer(p, 'now'));
      for (const p of this.payouts.filter((x) => x.fake === 'dealing')) await act(`settle ${p.businessNo}`, () => this.settleAlipayTransfer(p, 'SUCCESS'));
      await act('sweep', () => this.sweep(31));
    }
    // and again, so attempts of orders the last one closed are closed at their providers
    for (let n = 0; n < 2 && (this.orders.some((o) => o.status === 'pending_payment') || this.allAttempts().some((a) => a.fake === 'open')); n++) await act('sweep', () => this.sweep(31));
    const left = this.inFlight();
    if (left.length) throw new RailsMismatch(`still in flight after settling: ${left.join('; ')}`);
    if (this.allAttempts().some((a) => a.fake === 'open')) throw new RailsMismatch('an attempt is still payable at its provider after the sweeps');
  }

  // --- the checks after every step -----------------------------------------------------------

  async check(): Promise<void> {
    const db = this.app.services.db;
    // 1. reconciliation: only the late payments not yet returned are listed, exactly
    let at = Date.now();
    const report = await reconcile(db);
    const tm = this.stats.timings;
    tm['check.reconcile'] = (tm['check.reconcile'] ?? 0) + Date.now() - at;
    at = Date.now();
    const dueBack = new Set(this.allAttempts().filter((a) => a.late && a.returned !== 'succeeded').map((a) => a.outTradeNo!));
    const bad: string[] = [];
    for (const c of report.checks) {
      if (c.name === 'payments_without_order') {
        const listed = new Set(c.differences.map((d) => String(d.out_trade_no)));
        if (listed.size !== dueBack.size || [...listed].some((no) => !dueBack.has(no))) bad.push(`payments_without_order lists [${[...listed].join(', ')}], model [${[...dueBack].join(', ')}]`);
      } else if (c.differences.length > 0) bad.push(`${c.name}: ${JSON.stringify(c.differences).slice(0, 600)}`);
    }
    if (bad.length) throw new RailsMismatch(`reconciliation: ${bad.join(' | ')}`);

    // 2. money at the rails
    const { wx, ali, wxt } = this.env;
    const fake: Totals = {
      wechatpay: {
        in: [...wx.orders.values()].filter((o) => o.transactionId).reduce((s, o) => s + o.total, 0),
        out: [...wx.refunds.values()].filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.refund, 0),
      },
      alipay: {
        in: [...ali.trades.values()].filter((t) => t.paidAt !== undefined).reduce((s, t) => s + t.totalFen, 0),
        out: [...ali.trades.values()].reduce((s, t) => s + t.refundedFen, 0),
      },
    };
    const ours = await booksByRail(this.app);
    const payoutFake = {
      alipay: [...ali.transfers.values()].filter((x) => x.status === 'SUCCESS').reduce((s, x) => s + x.amountFen, 0),
      wechat: this.env.billNos.map((no) => wxt.getBill(no)).filter((b) => b?.state === 'SUCCESS').reduce((s, b) => s + b!.amountFen, 0),
    };
    const payoutOurs = await payoutsByChannel(this.app);
    const diffs: string[] = [];
    let fen = 0;
    for (const p of ['wechatpay', 'alipay'] as const) {
      for (const k of ['in', 'out'] as const) {
        if (fake[p][k] !== this.env.fake[p][k]) diffs.push(`${p} fake ${k}: ${fake[p][k]}, model ${this.env.fake[p][k]}`);
        if (ours[p][k] !== this.env.ours[p][k]) diffs.push(`${p} ours ${k}: ${ours[p][k]}, model ${this.env.ours[p][k]}`);
      }
      // what neither the model nor the books explain: fen lost or created
      const gap = fake[p].in - fake[p].out - (ours[p].in - ours[p].out);
      const explained = this.env.fake[p].in - this.env.fake[p].out - (this.env.ours[p].in - this.env.ours[p].out);
      fen += Math.abs(gap - explained);
    }
    for (const c of ['alipay', 'wechat'] as const) {
      if (payoutFake[c] !== this.env.payoutFake[c]) diffs.push(`${c} transferred out ${payoutFake[c]}, model ${this.env.payoutFake[c]}`);
      if (payoutOurs[c] !== this.env.payoutOurs[c]) diffs.push(`${c} payouts paid here ${payoutOurs[c]}, model ${this.env.payoutOurs[c]}`);
      fen += Math.abs(payoutFake[c] - payoutOurs[c] - (this.env.payoutFake[c] - this.env.payoutOurs[c]));
    }

    tm['check.rails'] = (tm['check.rails'] ?? 0) + Date.now() - at;
    at = Date.now();
    // 3. every member's balances, summed from the ledger's entries (the API's read is checked once the world is settled)
    const held = await entryBalances(this.app, this.members.map((m) => m.id));
    for (let i = 0; i < this.members.length; i++) {
      const got = held.get(this.members[i].id)!;
      const expected = this.balances[i];
      for (const k of Object.keys(expected) as Array<keyof Balances>) {
        if (got[k] !== expected[k]) {
          fen += Math.abs(got[k] - expected[k]);
          diffs.push(`member r${i} ${k}: ledger ${got[k]}, model ${expected[k]}`);
        }
      }
    }
    tm['check.balances'] = (tm['check.balances'] ?? 0) + Date.now() - at;
    if (diffs.length || fen) {
      this.stats.fenLost += fen;
      throw new RailsMismatch(`money differs by ${fen} fen: ${diffs.join('; ')}`, fen);
    }
  }

  /** After drain(): nothing may be in flight, so fakes and books agree to the fen, and reconciliation is clean. */
  async checkSettled(): Promise<void> {
    await this.check();
    // the balances as the console reads them (GET /api/admin/members/:id/balances)
    for (let i = 0; i < this.members.length; i++) {
      const res = await call(this.app, 'GET', `/api/admin/members/${this.members[i].id}/balances`, { token: this.env.owner.token });
      if (res.status !== 200) throw new RailsMismatch(`balances answered ${res.status}`);
      for (const k of Object.keys(this.balances[i]) as Array<keyof Balances>) {
        if (res.body[k] !== this.balances[i][k]) throw new RailsMismatch(`member r${i} ${k}: the console reads ${res.body[k]}, model ${this.balances[i][k]}`, Math.abs(res.body[k] - this.balances[i][k]));
      }
    }
    for (const p of ['wechatpay', 'alipay'] as const) {
      const net = (t: Totals) => t[p].in - t[p].out;
      if (net(this.env.fake) !== net(this.env.ours)) throw new RailsMismatch(`${p}: the provider holds ${net(this.env.fake)} fen net, our books ${net(this.env.ours)}`, Math.abs(net(this.env.fake) - net(this.env.ours)));
    }
    for (const c of ['alipay', 'wechat'] as const) {
      if (this.env.payoutFake[c] !== this.env.payoutOurs[c]) throw new RailsMismatch(`${c}: ${this.env.payoutFake[c]} fen transferred, ${this.env.payoutOurs[c]} paid here`);
    }
    const report = await reconcile(this.app.services.db);
    if (!report.ok) throw new RailsMismatch(`reconciliation after settling: ${JSON.stringify(report.checks.filter((c) => c.differences.length))}`);
  }
}

const PURPOSE_OF: Record<string, keyof Balances> = { commission_pending: 'pendingFen', commission_frozen: 'frozenFen', commission_available: 'availableFen', payout_withdrawing: 'withdrawingFen', commission_debt: 'debtFen' };

/** The five balances of each member, as the sum of their accounts' entries (debt is the debt account's negative balance). */
export async function entryBalances(app: TestApp, memberIds: number[]): Promise<Map<number, Balances>> {
  const rows = (
    await sql<{ owner_id: number; purpose: string; fen: unknown }>`select a.owner_id, a.purpose,
        coalesce((select sum(t.amount_fen) from ledger_transfers t where t.to_account_id = a.id), 0)
      - coalesce((select sum(t.amount_fen) from ledger_transfers t where t.from_account_id = a.id), 0) as fen
      from ledger_accounts a where a.owner_type = 'member' and a.owner_id in (${sql.join(memberIds)})`.execute(app.services.db)
  ).rows;
  const out = new Map<number, Balances>(memberIds.map((id) => [id, { pendingFen: 0, frozenFen: 0, availableFen: 0, withdrawingFen: 0, debtFen: 0 }]));
  for (const r of rows) {
    const k = PURPOSE_OF[r.purpose];
    if (!k) continue;
    out.get(Number(r.owner_id))![k] += k === 'debtFen' ? -Number(r.fen) : Number(r.fen);
  }
  return out;
}

/** Our books per rail: payments received; refunds (by the order's payment) and returns paid back. */
export async function booksByRail(app: TestApp): Promise<Totals> {
  const db = app.services.db;
  const totals = zeroTotals();
  const add = (rows: Array<{ provider: string; fen: unknown }>, k: 'in' | 'out') => {
    for (const r of rows) if (r.provider in totals) totals[r.provider as Provider][k] += Number(r.fen);
  };
  add((await sql<{ provider: string; fen: unknown }>`select provider, sum(amount_fen) as fen from payments where status = 'succeeded' group by provider`.execute(db)).rows, 'in');
  add(
    (
      await sql<{ provider: string; fen: unknown }>`select p.provider, sum(r.amount_fen) as fen from refunds r
        join lateral (select provider from payments where order_id = r.order_id and status = 'succeeded' order by paid_at, id limit 1) p on true
        where r.status = 'succeeded' group by p.provider`.execute(db)
    ).rows,
    'out',
  );
  add((await sql<{ provider: string; fen: unknown }>`select p.provider, sum(pr.amount_fen) as fen from payment_returns pr join payments p on p.id = pr.payment_id where pr.status = 'succeeded' group by p.provider`.execute(db)).rows, 'out');
  return totals;
}

/** Net amounts of our paid payouts per channel (what must have reached the payees). */
export async function payoutsByChannel(app: TestApp): Promise<PayoutTotals> {
  const rows = (await sql<{ channel: string; fen: unknown }>`select channel, sum(amount_fen - fee_fen) as fen from payouts where status = 'paid' group by channel`.execute(app.services.db)).rows;
  const out: PayoutTotals = { alipay: 0, wechat: 0 };
  for (const r of rows) if (r.channel === 'alipay' || r.channel === 'wechat') out[r.channel] += Number(r.fen);
  return out;
}

/** Runs one sequence in a fresh world, checking after every step, then settles it and checks it is whole. */
export async function runRailsSequence(env: RailsEnv, ops: RailOp[]): Promise<RailsWorld> {
  const world = await RailsWorld.create(env);
  try {
    const t = env.stats.timings;
    for (const op of ops) {
      env.app.clock.advanceMs(1_000);
      let at = Date.now();
      await world.apply(op);
      t[op.t] = (t[op.t] ?? 0) + Date.now() - at;
      at = Date.now();
      await world.check();
      t.check = (t.check ?? 0) + Date.now() - at;
    }
    await world.drain();
    await world.checkSettled();
  } catch (error) {
    if (error instanceof RailsMismatch || error instanceof Error) error.message += `\n  world ${world.worldNo}, after: ${world.log.slice(-14).join('\n         ')}`;
    throw error;
  }
  return world;
}

export function railsSummary(kind: string, s: RailsStats, ms: number): string {
  return (
    `real rails [${kind}]: ${s.worlds} worlds, ${s.steps} steps (${s.noops} redirected to a precursor), ${s.orders} orders, ${s.buyerPayments} payments ` +
    `(${s.deliveries} callbacks, ${s.duplicateDeliveries} duplicates, ${s.dropped} dropped, ${s.held} held/out of order, ${s.delayed} delayed), ` +
    `${s.paymentChecks} payment-checks, ${s.sweeps} sweeps (${s.queryFaults} with a failing query), ${s.latePayments} late payments (${s.returns} returned), ` +
    `${s.refunds} refunds (${s.refundFaults} with a provider fault), ${s.payouts} payouts (${s.payoutsPaid} paid, ${s.payoutsFailed} failed), ` +
    `${s.prepayFaults} busy prepays, ${s.rejectedAsExpected} refusals as expected, fen lost ${s.fenLost}, ${(ms / 1000).toFixed(1)} s`
  );
}
