// What the payout-channel suites share: the WeChat 商家转账 and Alipay fakes with fresh keys, the app
// configured to pay through them (base URLs and notify URL pointing at loopback), funded distributors with
// or without a WeChat link, and readers for the attempt rows.
import crypto from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import type { AppConfig } from '../../src/config.js';
import type { RuleConfigInput } from '../../src/modules/rules/schema.js';
import { startAlipayFake, type AlipayFake } from '../fakes/alipay.js';
import { startWechatTransferFake, type WechatTransferFake } from '../fakes/wechat-transfer.js';
import { call, hqMember, register, type RegisteredMember } from '../support/api.js';
import { startTestApp, type DatabaseKind, type TestApp } from '../support/harness.js';
import { credit, key } from '../support/rules-kit.js';

const rsaPair = () =>
  crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

export const MCHID = '1900009191';
export const PAYOUT_APPID = 'wx5c0ffee5c0ffee01';
export const MERCHANT_SERIAL = '5157F09EFDC096DE15EBE81A47057A72000000AB';
export const PUB_KEY_ID = 'PUB_KEY_ID_0119000091912025000000000001';
export const ALIPAY_APP_ID = '2021000000000001';
export const TRANSFER_BILLS = '/v3/fund-app/mch-transfer/transfer-bills';

export interface ProviderKeys {
  merchant: ReturnType<typeof rsaPair>;
  platform: ReturnType<typeof rsaPair>;
  alipayApp: ReturnType<typeof rsaPair>;
  alipay: ReturnType<typeof rsaPair>;
  apiV3Key: string;
}

export function providerKeys(): ProviderKeys {
  return { merchant: rsaPair(), platform: rsaPair(), alipayApp: rsaPair(), alipay: rsaPair(), apiV3Key: crypto.randomBytes(16).toString('hex') };
}

export interface Fakes {
  wechat: WechatTransferFake;
  alipay: AlipayFake;
  close(): Promise<void>;
}

export async function startFakes(keys: ProviderKeys, balances: { wechatFen?: number; alipayFen?: number } = {}): Promise<Fakes> {
  const wechat = await startWechatTransferFake({
    mchid: MCHID,
    merchantPublicKeyPem: keys.merchant.publicKey,
    merchantSerial: MERCHANT_SERIAL,
    platformPrivateKeyPem: keys.platform.privateKey,
    platformSerial: PUB_KEY_ID,
    apiV3Key: keys.apiV3Key,
    appids: [PAYOUT_APPID],
    balanceFen: balances.wechatFen ?? 100_000_000,
  });
  const alipay = await startAlipayFake({ appId: ALIPAY_APP_ID, appPublicKeyPem: keys.alipayApp.publicKey, alipayPrivateKeyPem: keys.alipay.privateKey, balanceFen: balances.alipayFen ?? 100_000_000 });
  return { wechat, alipay, close: async () => void (await Promise.all([wechat.close(), alipay.close()])) };
}

/** The app's settings for both payout channels, through the fakes; notifies go to `base`. */
export function payoutConfig(keys: ProviderKeys, fakes: Fakes, base: string): Partial<AppConfig> {
  return {
    devPayoutProvider: false,
    wechatpay: {
      mchid: MCHID,
      merchantSerial: MERCHANT_SERIAL,
      merchantPrivateKeyPem: keys.merchant.privateKey,
      apiV3Key: keys.apiV3Key,
      platform: { mode: 'publicKey', publicKeyId: PUB_KEY_ID, publicKeyPem: keys.platform.publicKey },
      baseUrl: fakes.wechat.baseUrl,
      notifyUrl: `${base}/api/payments/wechatpay/notify`,
      appids: { oa: PAYOUT_APPID },
    },
    alipay: { appId: ALIPAY_APP_ID, privateKeyPem: keys.alipayApp.privateKey, alipayPublicKeyPem: keys.alipay.publicKey, gateway: fakes.alipay.gateway, notifyUrl: `${base}/api/payments/alipay/notify` },
    payoutChannels: {
      wechat: { appid: PAYOUT_APPID, sceneId: '1005', sceneReportInfos: [{ infoType: '岗位类型', infoContent: '分销推广员' }, { infoType: '报酬说明', infoContent: '分销佣金提现' }], notifyUrl: `${base}/api/payouts/wechat/notify` },
      alipay: true,
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const PAYOUT_RULES: RuleConfigInput = {
  distributor: { mode: 'automatic' },
  payout: { minAmountFen: 100, feeBp: 100, dailyCountLimit: 100, autoApproveMaxFen: 100_000_000, channels: ['wechat', 'alipay', 'bank'] },
};

export interface PayoutWorld {
  app: TestApp;
  fakes: Fakes;
  keys: ProviderKeys;
  finance: RegisteredMember;
  /** a distributor with `fen` available; linked to WeChat under the payout app unless openid is null */
  funded(fen: number, options?: { openid?: string | null }): Promise<RegisteredMember & { openid: string | null }>;
  close(): Promise<void>;
}

let openids = 0;

/** The app listening on a loopback port (the WeChat fake posts notifications there), paying through the fakes. */
export async function startPayoutWorld(kind: DatabaseKind, options: { poolSize?: number; balances?: { wechatFen?: number; alipayFen?: number } } = {}): Promise<PayoutWorld> {
  const keys = providerKeys();
  const fakes = await startFakes(keys, options.balances);
  const port = await freePort();
  const app = await startTestApp(kind, { rules: PAYOUT_RULES, config: payoutConfig(keys, fakes, `http://127.0.0.1:${port}`), poolSize: options.poolSize });
  await app.http.listen({ port, host: '127.0.0.1' });
  const finance = await hqMember(app, 'finance');
  return {
    app,
    fakes,
    keys,
    finance,
    async funded(fen, opts = {}) {
      const m = await register(app);
      await credit(app, finance, m.id, fen);
      openids += 1;
      const openid = opts.openid === null ? null : (opts.openid ?? `oFx_${process.pid}_${openids}_${crypto.randomBytes(4).toString('hex')}`);
      // the WeChat sign-in itself is the identity suite's; here the link it leaves is the fixture
      if (openid) {
        await app.services.db.insertInto('member_wechat_identities').values({ member_id: m.id, app_kind: 'oa', appid: PAYOUT_APPID, openid, unionid: null, created_at: new Date() }).execute();
      }
      return { ...m, openid };
    },
    async close() {
      await app.close();
      await fakes.close();
    },
  };
}

export async function withdrawTo(app: TestApp, m: RegisteredMember, channel: 'wechat' | 'alipay', amountFen: number, destination?: Record<string, string>) {
  const to = destination ?? (channel === 'alipay' ? { account: 'payee@example.com', realName: '张三' } : { realName: '张三' });
  return call(app, 'POST', '/api/me/payouts', { token: m.token, body: { amountFen, channel, destination: to, idempotencyKey: key('po') } });
}

/** The attempt rows of a payout, oldest first. */
export function transfersOf(app: TestApp, payoutId: number) {
  return app.services.db.selectFrom('payout_transfers').selectAll().where('payout_id', '=', payoutId).orderBy('attempt').execute();
}

export async function payoutOf(app: TestApp, m: RegisteredMember, payoutId: number) {
  const res = await call(app, 'GET', `/api/me/payouts/${payoutId}`, { token: m.token });
  if (res.status !== 200) throw new Error(`payout ${payoutId}: ${res.status}`);
  return res.body;
}

/** Ledger transfers with this code for a payout: each money step must appear once. */
export async function ledgerSteps(app: TestApp, payoutId: number, code: string): Promise<number> {
  const rows = await app.services.db.selectFrom('ledger_transfers').select('id').where('ref_type', '=', 'payout').where('ref_id', '=', payoutId).where('code', '=', code).execute();
  return rows.length;
}

/** Moves the business clock past every backoff so the sweep finds the rows due. */
export function pastBackoff(app: TestApp, ms = 31 * 60_000): void {
  app.clock.advanceMs(ms);
}

/** Waits until `check` holds (a notification travels over loopback HTTP). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
