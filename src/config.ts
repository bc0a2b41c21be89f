// One typed config read from the environment, with defaults that let `npm start`
// run on a fresh machine with no server to set up.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: z.string().min(32).optional(),
  SMS_PROVIDER: z.enum(['dev']).default('dev'),
  PAYMENT_DEV_PROVIDER: z.enum(['on', 'off']).default('on'),
  WECHATPAY_MCHID: z.string().optional(),
  WECHATPAY_APPID: z.string().optional(),
  WECHATPAY_API_V3_KEY: z.string().optional(),
  WECHATPAY_PLATFORM_PUBLIC_KEY_PEM: z.string().optional(),
  WECHATPAY_PLATFORM_SERIAL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOB_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
});

export interface WechatpayConfig {
  mchid: string;
  appid: string;
  apiV3Key: string;
  platformPublicKeyPem: string;
  platformSerial?: string;
}

export interface AppConfig {
  port: number;
  host: string;
  /** PostgreSQL server; when absent the embedded PGlite in dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
  jwtSecret: string;
  smsProvider: 'dev';
  devPaymentProvider: boolean;
  wechatpay?: WechatpayConfig;
  logLevel: string;
  jobIntervalMs: number;
}

/** The JWT secret must never live in the repo: take it from env, or make one per data folder. */
function loadOrCreateSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.parse(env);
  const wechatpay =
    parsed.WECHATPAY_MCHID && parsed.WECHATPAY_API_V3_KEY && parsed.WECHATPAY_PLATFORM_PUBLIC_KEY_PEM
      ? {
          mchid: parsed.WECHATPAY_MCHID,
          appid: parsed.WECHATPAY_APPID ?? '',
          apiV3Key: parsed.WECHATPAY_API_V3_KEY,
          platformPublicKeyPem: parsed.WECHATPAY_PLATFORM_PUBLIC_KEY_PEM,
          platformSerial: parsed.WECHATPAY_PLATFORM_SERIAL,
        }
      : undefined;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.DATA_DIR,
    jwtSecret: parsed.JWT_SECRET ?? loadOrCreateSecret(parsed.DATA_DIR),
    smsProvider: parsed.SMS_PROVIDER,
    devPaymentProvider: parsed.PAYMENT_DEV_PROVIDER === 'on',
    wechatpay,
    logLevel: parsed.LOG_LEVEL,
    jobIntervalMs: parsed.JOB_INTERVAL_MS,
  };
}
