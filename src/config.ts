// One typed config read from the environment. Development (the default) runs on a fresh machine
// with nothing set up: embedded database, demo data, dev providers. Production refuses to start on
// anything insecure and names every offending setting (docs/going-live.md explains each).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AccessLimits, AliyunSmsConfig, TencentSmsConfig } from './modules/members/index.js';
import { productionProblems, type ConfigProblem } from './config-checks.js';
import { paymentEnvSchema, paymentRails, type AlipayConfig, type PayoutChannelsConfig, type WechatpayConfig } from './config-payments.js';
import { trackingConfig, trackingEnvSchema, type TrackingConfig } from './config-tracking.js';
import { mediaConfig, mediaEnvSchema, type MediaConfig } from './config-media.js';
import { wechatReach, wechatReachEnvSchema, type WechatReachConfig } from './config-wechat.js';

export type { AlipayConfig, PayoutChannelsConfig, WechatpayConfig } from './config-payments.js';
export type { WechatReachConfig } from './config-wechat.js';
export type { MediaConfig, S3MediaConfig } from './config-media.js';

const onOff = z.enum(['on', 'off']);
const envSchema = paymentEnvSchema.extend(wechatReachEnvSchema.shape).extend(trackingEnvSchema.shape).extend(mediaEnvSchema.shape).extend({
  APP_ENV: z.enum(['development', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.string().url().optional(),
  MEDIA_ORIGIN: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_LISTEN_URL: z.string().optional(),
  DATABASE_READ_URL: z.string().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(20),
  DATABASE_PREPARED_STATEMENTS: onOff.default('on'),
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: z.string().optional(),
  JWT_SECRET: z.string().min(32).optional(),
  DEMO_DATA: z.enum(['full', 'on', 'core', 'off']).optional(),
  SMS_PROVIDER: z.enum(['dev', 'aliyun', 'tencent']).optional(),
  SMS_ALIYUN_ACCESS_KEY_ID: z.string().optional(),
  SMS_ALIYUN_ACCESS_KEY_SECRET: z.string().optional(),
  SMS_ALIYUN_SIGN_NAME: z.string().optional(),
  SMS_ALIYUN_TEMPLATE_CODE: z.string().optional(),
  SMS_ALIYUN_ENDPOINT: z.string().optional(),
  SMS_TENCENT_SECRET_ID: z.string().optional(),
  SMS_TENCENT_SECRET_KEY: z.string().optional(),
  SMS_TENCENT_SDK_APP_ID: z.string().optional(),
  SMS_TENCENT_SIGN_NAME: z.string().optional(),
  SMS_TENCENT_TEMPLATE_ID: z.string().optional(),
  SMS_TENCENT_REGION: z.string().optional(),
  SMS_TENCENT_ENDPOINT: z.string().optional(),
  SMS_PER_IP_PER_HOUR: z.coerce.number().int().positive().default(30),
  SMS_GLOBAL_PER_MINUTE: z.coerce.number().int().positive().default(300),
  LOGIN_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
  LOGIN_GLOBAL_PER_MINUTE: z.coerce.number().int().positive().default(3000),
  CHECKOUT_PER_MEMBER_PER_MINUTE: z.coerce.number().int().positive().default(30),
  WECHAT_OA_APPID: z.string().optional(),
  WECHAT_OA_SECRET: z.string().optional(),
  WECHAT_MP_APPID: z.string().optional(),
  WECHAT_MP_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_OAUTH_BASE: z.string().url().default('https://open.weixin.qq.com'),
  HQ_MFA: z.enum(['required', 'optional']).optional(),
  PAYMENT_DEV_PROVIDER: onOff.optional(),
  PAYOUT_DEV_PROVIDER: onOff.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOB_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  JOBS_POOL_MAX: z.coerce.number().int().min(1).max(50).default(2),
});
export type Env = z.infer<typeof envSchema>;

export interface WechatAppConfig {
  appid: string;
  secret: string;
}

export interface WechatConfig {
  apiBase: string;
  oauthBase: string;
  /** 公众号: web OAuth inside WeChat */
  oa?: WechatAppConfig;
  /** 小程序: code2session and the phone-number button */
  mp?: WechatAppConfig;
}

export type SmsConfig = { provider: 'dev' } | { provider: 'aliyun'; aliyun: AliyunSmsConfig } | { provider: 'tencent'; tencent: TencentSmsConfig };

export interface AppConfig {
  appEnv?: 'development' | 'production';
  port: number;
  host: string;
  /** where buyers reach the shop; OAuth redirects and notify URLs are built on it */
  publicUrl?: string;
  /** forwarded headers are believed only behind a proxy that sets them */
  trustProxy?: boolean;
  /** the origins images may come from besides this one (MEDIA_ORIGIN: CDN / object storage); the security policy allows these and nothing else */
  mediaOrigins?: string[];
  /** PostgreSQL server; when absent the embedded PGlite in dataDir is used. */
  databaseUrl?: string;
  /** where the live-event LISTEN connects when DATABASE_URL is a transaction-mode pooler (DATABASE_LISTEN_URL) */
  databaseListenUrl?: string;
  /** a replica for read models: dashboards, insights, exports, leaderboards, reconciliation (DATABASE_READ_URL) */
  databaseReadUrl?: string;
  /** the most connections one instance opens to the server (DATABASE_POOL_MAX, default 20) */
  databasePoolMax?: number;
  /** named statements per connection; off behind a pooler without prepared-statement support (DATABASE_PREPARED_STATEMENTS) */
  databasePreparedStatements?: boolean;
  dataDir: string;
  redisUrl?: string;
  jwtSecret: string;
  demoData?: 'full' | 'core' | 'off';
  smsProvider: 'dev' | 'aliyun' | 'tencent';
  sms?: SmsConfig;
  limits?: AccessLimits;
  wechat?: WechatConfig;
  /** 小程序码 and income alerts outside the app (config-wechat.ts); defaults when absent */
  wechatReach?: WechatReachConfig;
  /** parcel tracking (config-tracking.ts); absent: none */
  tracking?: TrackingConfig;
  /** product pictures: upload size, storage, public address (config-media.ts); absent: files in dataDir/media served at /media */
  media?: MediaConfig;
  /** HQ roles must enrol a second factor before using the console */
  hqMfaRequired?: boolean;
  devPaymentProvider: boolean;
  devPayoutProvider?: boolean;
  wechatpay?: WechatpayConfig;
  alipay?: AlipayConfig;
  /** which withdrawal channels have a real provider (bank cards always leave as batch files) */
  payoutChannels?: PayoutChannelsConfig;
  /** a payment unpaid this long is queried (a lost callback); default 2 minutes */
  paymentQueryAfterMs?: number;
  logLevel: string;
  /** how often the frequent sweeps run (JOB_INTERVAL_MS, default 60 s); 0: this instance runs no jobs */
  jobIntervalMs: number;
  /** the connections the job queue (pg-boss) opens to the server, apart from the app's pool (JOBS_POOL_MAX, default 2) */
  jobsPoolMax?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Fenxiao will not start: ${problems.length} setting(s) must change (see docs/going-live.md):\n` +
        problems.map((p) => `  - ${p.setting}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Development only: without JWT_SECRET, one secret per data folder (never in the repo). */
function loadOrCreateSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function smsConfig(env: Env, provider: 'dev' | 'aliyun' | 'tencent'): SmsConfig {
  if (provider === 'aliyun') {
    const template = env.SMS_ALIYUN_TEMPLATE_CODE ?? '';
    return {
      provider,
      aliyun: {
        accessKeyId: env.SMS_ALIYUN_ACCESS_KEY_ID ?? '',
        accessKeySecret: env.SMS_ALIYUN_ACCESS_KEY_SECRET ?? '',
        signName: env.SMS_ALIYUN_SIGN_NAME ?? '',
        templateCodes: { register: template, login: template, reset_password: template },
        endpoint: env.SMS_ALIYUN_ENDPOINT,
      },
    };
  }
  if (provider === 'tencent') {
    const template = env.SMS_TENCENT_TEMPLATE_ID ?? '';
    return {
      provider,
      tencent: {
        secretId: env.SMS_TENCENT_SECRET_ID ?? '',
        secretKey: env.SMS_TENCENT_SECRET_KEY ?? '',
        sdkAppId: env.SMS_TENCENT_SDK_APP_ID ?? '',
        signName: env.SMS_TENCENT_SIGN_NAME ?? '',
        templateIds: { register: template, login: template, reset_password: template },
        region: env.SMS_TENCENT_REGION,
        endpoint: env.SMS_TENCENT_ENDPOINT,
      },
    };
  }
  return { provider: 'dev' };
}

/** the demo's note photos (src/modules/loyalty/demo.ts) and where that host redirects them */
export const DEMO_MEDIA_ORIGINS = ['https://picsum.photos', 'https://fastly.picsum.photos'];

/** MEDIA_ORIGIN: comma-separated origins (scheme://host[:port], no path); unset: the demo's photo host while demo data is on, else none */
function mediaOrigins(value: string | undefined, demo: string): { origins: string[]; problems: ConfigProblem[] } {
  if (value === undefined) return { origins: demo === 'off' ? [] : DEMO_MEDIA_ORIGINS, problems: [] };
  const origins: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(part);
    } catch {
      /* reported below */
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== part.replace(/\/+$/, '')) problems.push({ setting: 'MEDIA_ORIGIN', problem: `"${part}" is not an origin such as https://cdn.example.com (scheme and host, no path)` });
    else origins.push(url.origin);
  }
  return { origins, problems };
}

function wechatApp(appid?: string, secret?: string): WechatAppConfig | undefined {
  return appid || secret ? { appid: appid ?? '', secret: secret ?? '' } : undefined;
}

/** Reads the environment; throws ConfigError naming every insecure or incomplete setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsedResult = envSchema.safeParse(env);
  if (!parsedResult.success) {
    throw new ConfigError(parsedResult.error.issues.map((i) => ({ setting: String(i.path[0] ?? '?'), problem: i.message })));
  }
  const parsed = parsedResult.data;
  const production = parsed.APP_ENV === 'production';
  const rails = paymentRails(parsed, { publicUrl: parsed.PUBLIC_URL, oaAppid: parsed.WECHAT_OA_APPID, mpAppid: parsed.WECHAT_MP_APPID, production });
  const reach = wechatReach(parsed, { publicUrl: parsed.PUBLIC_URL, oaAppid: parsed.WECHAT_OA_APPID, mpAppid: parsed.WECHAT_MP_APPID });
  const demo = parsed.DEMO_DATA ?? (production ? 'off' : 'full');
  const media = mediaOrigins(parsed.MEDIA_ORIGIN, demo);
  const tracking = trackingConfig(parsed, { publicUrl: parsed.PUBLIC_URL, production });
  const storage = mediaConfig(parsed, { production });
  const problems = [...productionProblems(parsed), ...rails.problems, ...reach.problems, ...media.problems, ...tracking.problems, ...storage.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  const smsProvider = parsed.SMS_PROVIDER ?? 'dev';
  return {
    appEnv: parsed.APP_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    publicUrl: parsed.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: parsed.TRUST_PROXY === '1' || parsed.TRUST_PROXY === 'true',
    // where the pictures are loaded from (MEDIA_PUBLIC_BASE_URL) is allowed as well as MEDIA_ORIGIN's
    mediaOrigins: [...new Set([...media.origins, ...storage.origins])],
    databaseUrl: parsed.DATABASE_URL,
    databaseListenUrl: parsed.DATABASE_LISTEN_URL,
    databaseReadUrl: parsed.DATABASE_READ_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    databasePreparedStatements: parsed.DATABASE_PREPARED_STATEMENTS === 'on',
    dataDir: parsed.DATA_DIR,
    redisUrl: parsed.REDIS_URL,
    jwtSecret: parsed.JWT_SECRET ?? loadOrCreateSecret(parsed.DATA_DIR),
    demoData: demo === 'on' ? 'full' : demo,
    smsProvider,
    sms: smsConfig(parsed, smsProvider),
    limits: {
      smsPerIpPerHour: parsed.SMS_PER_IP_PER_HOUR,
      smsGlobalPerMinute: parsed.SMS_GLOBAL_PER_MINUTE,
      loginPerIpPerMinute: parsed.LOGIN_PER_IP_PER_MINUTE,
      loginGlobalPerMinute: parsed.LOGIN_GLOBAL_PER_MINUTE,
      checkoutPerMemberPerMinute: parsed.CHECKOUT_PER_MEMBER_PER_MINUTE,
    },
    wechat: { apiBase: parsed.WECHAT_API_BASE, oauthBase: parsed.WECHAT_OAUTH_BASE, oa: wechatApp(parsed.WECHAT_OA_APPID, parsed.WECHAT_OA_SECRET), mp: wechatApp(parsed.WECHAT_MP_APPID, parsed.WECHAT_MP_SECRET) },
    wechatReach: reach.config,
    tracking: tracking.config,
    media: storage.config,
    hqMfaRequired: production || parsed.HQ_MFA === 'required',
    devPaymentProvider: (parsed.PAYMENT_DEV_PROVIDER ?? (production ? 'off' : 'on')) === 'on',
    devPayoutProvider: (parsed.PAYOUT_DEV_PROVIDER ?? (production ? 'off' : 'on')) === 'on',
    ...rails.config,
    logLevel: parsed.LOG_LEVEL,
    jobIntervalMs: parsed.JOB_INTERVAL_MS,
    jobsPoolMax: parsed.JOBS_POOL_MAX,
  };
}
