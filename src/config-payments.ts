// Money-rail settings: WeChat Pay, Alipay and the payout channels, read from the environment.
// Keys come as PEM text or as a file path (`…_FILE`), so a secret never has to sit in a shell history.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { WechatpayPlatformConfig } from './modules/payments/index.js';

const onOff = z.enum(['on', 'off']);
export const paymentEnvSchema = z.object({
  WECHATPAY_MCHID: z.string().optional(),
  WECHATPAY_MERCHANT_SERIAL: z.string().optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: z.string().optional(),
  WECHATPAY_API_V3_KEY: z.string().optional(),
  /** 微信支付公钥 mode (PUB_KEY_ID_…); without it the platform certificates are downloaded and rotated */
  WECHATPAY_PUBLIC_KEY_ID: z.string().optional(),
  WECHATPAY_PUBLIC_KEY: z.string().optional(),
  WECHATPAY_PUBLIC_KEY_FILE: z.string().optional(),
  WECHATPAY_BASE_URL: z.string().url().default('https://api.mch.weixin.qq.com'),
  WECHATPAY_NOTIFY_URL: z.string().url().optional(),
  /** the 公众号 that JSAPI pays under; default WECHAT_OA_APPID */
  WECHATPAY_APPID: z.string().optional(),
  WECHATPAY_H5_APPID: z.string().optional(),
  WECHATPAY_NATIVE_APPID: z.string().optional(),
  ALIPAY_APP_ID: z.string().optional(),
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PRIVATE_KEY_FILE: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY_FILE: z.string().optional(),
  ALIPAY_GATEWAY: z.string().url().default('https://openapi.alipay.com/gateway.do'),
  ALIPAY_NOTIFY_URL: z.string().url().optional(),
  PAYOUT_WECHAT: onOff.optional(),
  PAYOUT_WECHAT_APPID: z.string().optional(),
  PAYOUT_WECHAT_SCENE_ID: z.string().regex(/^\d{4}$/).default('1005'),
  /** transfer_scene_report_infos as 类型=内容 pairs separated by ';' (1005: 岗位类型, 报酬说明) */
  PAYOUT_WECHAT_SCENE_REPORT: z.string().default('岗位类型=分销推广员;报酬说明=分销佣金提现'),
  PAYOUT_WECHAT_NOTIFY_URL: z.string().url().optional(),
  PAYOUT_ALIPAY: onOff.optional(),
  /** a payment still unpaid this long is asked about (its callback may have been lost) */
  PAYMENT_QUERY_AFTER_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
});
export type PaymentEnv = z.infer<typeof paymentEnvSchema>;

export interface WechatpayConfig {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  apiV3Key: string;
  platform: WechatpayPlatformConfig;
  baseUrl: string;
  notifyUrl: string;
  /** oa 公众号 (JSAPI), mp mini-program; H5 and Native use their own when set, else oa */
  appids: { oa?: string; mp?: string; h5?: string; native?: string };
}

export interface AlipayConfig {
  appId: string;
  privateKeyPem: string;
  alipayPublicKeyPem: string;
  gateway: string;
  notifyUrl: string;
}

export interface WechatPayoutConfig {
  appid: string;
  sceneId: string;
  sceneReportInfos: Array<{ infoType: string; infoContent: string }>;
  notifyUrl: string;
}

export interface PayoutChannelsConfig {
  /** 商家转账 through the WeChat Pay merchant above */
  wechat?: WechatPayoutConfig;
  /** alipay.fund.trans.uni.transfer through the Alipay app above */
  alipay?: boolean;
}

export interface PaymentRailsConfig {
  wechatpay?: WechatpayConfig;
  alipay?: AlipayConfig;
  payoutChannels: PayoutChannelsConfig;
  paymentQueryAfterMs: number;
}

type Problem = { setting: string; problem: string };

/** PEM from the variable itself or from the file it names; a missing file is a problem, not a crash. */
function pem(env: Record<string, string | undefined>, name: string, problems: Problem[]): string | undefined {
  const inline = env[name];
  const file = env[`${name}_FILE`];
  if (inline) return inline.includes('\\n') ? inline.replace(/\\n/g, '\n') : inline;
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    problems.push({ setting: `${name}_FILE`, problem: `cannot read ${file}` });
    return undefined;
  }
}

function need(problems: Problem[], values: Record<string, unknown>, why: string): void {
  for (const [setting, value] of Object.entries(values)) if (!value) problems.push({ setting, problem: `is required ${why}` });
}

/** What the money rails need, and every problem with it (named, none stops at the first). */
export function paymentRails(
  env: PaymentEnv,
  context: { publicUrl?: string; oaAppid?: string; mpAppid?: string; production: boolean },
): { config: PaymentRailsConfig; problems: Problem[] } {
  const problems: Problem[] = [];
  const raw = env as unknown as Record<string, string | undefined>;
  const base = context.publicUrl?.replace(/\/+$/, '');
  const notifyUrl = (given: string | undefined, path: string, setting: string) => {
    const url = given ?? (base ? `${base}${path}` : undefined);
    if (!url) problems.push({ setting, problem: 'is required (or set PUBLIC_URL): the provider posts its results there' });
    else if (context.production && !url.startsWith('https://')) problems.push({ setting, problem: 'must be https in production' });
    return url ?? '';
  };

  let wechatpay: WechatpayConfig | undefined;
  if (env.WECHATPAY_MCHID || env.WECHATPAY_API_V3_KEY || env.WECHATPAY_MERCHANT_SERIAL) {
    const merchantKey = pem(raw, 'WECHATPAY_MERCHANT_PRIVATE_KEY', problems);
    const publicKey = pem(raw, 'WECHATPAY_PUBLIC_KEY', problems);
    const why = 'for WeChat Pay (微信支付商户平台 → 账户中心 → API安全)';
    need(problems, { WECHATPAY_MCHID: env.WECHATPAY_MCHID, WECHATPAY_MERCHANT_SERIAL: env.WECHATPAY_MERCHANT_SERIAL, WECHATPAY_MERCHANT_PRIVATE_KEY: merchantKey, WECHATPAY_API_V3_KEY: env.WECHATPAY_API_V3_KEY }, why);
    if (env.WECHATPAY_API_V3_KEY && Buffer.byteLength(env.WECHATPAY_API_V3_KEY) !== 32) problems.push({ setting: 'WECHATPAY_API_V3_KEY', problem: 'must be the 32-character APIv3 key' });
    if (Boolean(env.WECHATPAY_PUBLIC_KEY_ID) !== Boolean(publicKey)) problems.push({ setting: 'WECHATPAY_PUBLIC_KEY_ID', problem: 'and WECHATPAY_PUBLIC_KEY go together (微信支付公钥 mode)' });
    const appids = { oa: env.WECHATPAY_APPID ?? context.oaAppid, mp: context.mpAppid, h5: env.WECHATPAY_H5_APPID, native: env.WECHATPAY_NATIVE_APPID };
    if (!appids.oa && !appids.mp) problems.push({ setting: 'WECHATPAY_APPID', problem: 'WeChat Pay needs an appid bound to the merchant (WECHATPAY_APPID, WECHAT_OA_APPID or WECHAT_MP_APPID)' });
    wechatpay = {
      mchid: env.WECHATPAY_MCHID ?? '',
      merchantSerial: env.WECHATPAY_MERCHANT_SERIAL ?? '',
      merchantPrivateKeyPem: merchantKey ?? '',
      apiV3Key: env.WECHATPAY_API_V3_KEY ?? '',
      platform: env.WECHATPAY_PUBLIC_KEY_ID && publicKey ? { mode: 'publicKey', publicKeyId: env.WECHATPAY_PUBLIC_KEY_ID, publicKeyPem: publicKey } : { mode: 'certificates' },
      baseUrl: env.WECHATPAY_BASE_URL,
      notifyUrl: notifyUrl(env.WECHATPAY_NOTIFY_URL, '/api/payments/wechatpay/notify', 'WECHATPAY_NOTIFY_URL'),
      appids,
    };
  }

  let alipay: AlipayConfig | undefined;
  if (env.ALIPAY_APP_ID || env.ALIPAY_PRIVATE_KEY || env.ALIPAY_PRIVATE_KEY_FILE) {
    const privateKeyPem = pem(raw, 'ALIPAY_PRIVATE_KEY', problems);
    const alipayPublicKeyPem = pem(raw, 'ALIPAY_PUBLIC_KEY', problems);
    need(problems, { ALIPAY_APP_ID: env.ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY: privateKeyPem, ALIPAY_PUBLIC_KEY: alipayPublicKeyPem }, 'for Alipay (开放平台 → 应用 → 开发设置 → 接口加签方式, RSA2)');
    alipay = {
      appId: env.ALIPAY_APP_ID ?? '',
      privateKeyPem: privateKeyPem ?? '',
      alipayPublicKeyPem: alipayPublicKeyPem ?? '',
      gateway: env.ALIPAY_GATEWAY,
      notifyUrl: notifyUrl(env.ALIPAY_NOTIFY_URL, '/api/payments/alipay/notify', 'ALIPAY_NOTIFY_URL'),
    };
  }

  const payoutChannels: PayoutChannelsConfig = {};
  if (env.PAYOUT_WECHAT === 'on') {
    if (!wechatpay) problems.push({ setting: 'PAYOUT_WECHAT', problem: 'needs WeChat Pay configured (WECHATPAY_*): 商家转账 pays from that merchant' });
    // the transfer client verifies WeChat's answers with one key: the 微信支付公钥, not rotating certificates
    else if (wechatpay.platform.mode !== 'publicKey') problems.push({ setting: 'WECHATPAY_PUBLIC_KEY_ID', problem: 'is required with PAYOUT_WECHAT=on (商家转账 answers are verified with the 微信支付公钥)' });
    const appid = env.PAYOUT_WECHAT_APPID ?? wechatpay?.appids.oa ?? wechatpay?.appids.mp;
    if (!appid) problems.push({ setting: 'PAYOUT_WECHAT_APPID', problem: 'is required: the app whose openid receives the transfer' });
    const sceneReportInfos = env.PAYOUT_WECHAT_SCENE_REPORT.split(';').map((pair) => pair.split('=')).filter((p) => p.length === 2 && p[0]!.trim() && p[1]!.trim()).map(([t, c]) => ({ infoType: t!.trim(), infoContent: c!.trim() }));
    if (sceneReportInfos.length === 0) problems.push({ setting: 'PAYOUT_WECHAT_SCENE_REPORT', problem: 'must list 类型=内容 pairs separated by ;' });
    payoutChannels.wechat = { appid: appid ?? '', sceneId: env.PAYOUT_WECHAT_SCENE_ID, sceneReportInfos, notifyUrl: notifyUrl(env.PAYOUT_WECHAT_NOTIFY_URL, '/api/payouts/wechat/notify', 'PAYOUT_WECHAT_NOTIFY_URL') };
  }
  if (env.PAYOUT_ALIPAY === 'on') {
    if (!alipay) problems.push({ setting: 'PAYOUT_ALIPAY', problem: 'needs Alipay configured (ALIPAY_*): transfers leave from that app' });
    payoutChannels.alipay = true;
  }
  return { config: { wechatpay, alipay, payoutChannels, paymentQueryAfterMs: env.PAYMENT_QUERY_AFTER_SECONDS * 1000 }, problems };
}
