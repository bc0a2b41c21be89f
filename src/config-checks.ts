// What makes a configuration unsafe to start: every problem is named, none stops at the first.
import type { Env } from './config.js';

export interface ConfigProblem {
  setting: string;
  problem: string;
}

type Check = [setting: string, failing: boolean, problem: string];

function missing(env: Env, names: Array<keyof Env>): Check[] {
  return names.map((name) => [name, !env[name], 'is required by the configured provider'] as Check);
}

/** Settings a configured provider needs, in any mode: a half-configured provider fails every real call. */
function providerChecks(env: Env): Check[] {
  const checks: Check[] = [];
  if (env.SMS_PROVIDER === 'aliyun') {
    checks.push(...missing(env, ['SMS_ALIYUN_ACCESS_KEY_ID', 'SMS_ALIYUN_ACCESS_KEY_SECRET', 'SMS_ALIYUN_SIGN_NAME', 'SMS_ALIYUN_TEMPLATE_CODE']));
  }
  if (env.SMS_PROVIDER === 'tencent') {
    checks.push(...missing(env, ['SMS_TENCENT_SECRET_ID', 'SMS_TENCENT_SECRET_KEY', 'SMS_TENCENT_SDK_APP_ID', 'SMS_TENCENT_SIGN_NAME', 'SMS_TENCENT_TEMPLATE_ID']));
  }
  if (env.WECHAT_OA_APPID || env.WECHAT_OA_SECRET) checks.push(...missing(env, ['WECHAT_OA_APPID', 'WECHAT_OA_SECRET']));
  if (env.WECHAT_MP_APPID || env.WECHAT_MP_SECRET) checks.push(...missing(env, ['WECHAT_MP_APPID', 'WECHAT_MP_SECRET']));
  return checks;
}

function productionChecks(env: Env): Check[] {
  const isHttps = env.PUBLIC_URL?.startsWith('https://') ?? false;
  return [
    ['JWT_SECRET', !env.JWT_SECRET, 'is required in production (at least 32 random characters; every instance the same)'],
    ['PUBLIC_URL', !env.PUBLIC_URL, 'is required in production: the https address buyers open (OAuth and payment notifications come back to it)'],
    ['PUBLIC_URL', Boolean(env.PUBLIC_URL) && !isHttps, 'must be an https:// address in production'],
    ['TRUST_PROXY', env.TRUST_PROXY === undefined || !['0', '1', 'true', 'false'].includes(env.TRUST_PROXY), 'must be set explicitly in production: 1 behind a proxy or load balancer that sets X-Forwarded-For, 0 otherwise'],
    ['SMS_PROVIDER', env.SMS_PROVIDER === undefined || env.SMS_PROVIDER === 'dev', 'must be aliyun or tencent in production (the dev provider hands codes back to anyone)'],
    ['PAYMENT_DEV_PROVIDER', env.PAYMENT_DEV_PROVIDER === 'on', 'must be off in production (the dev provider lets a buyer mark an order paid)'],
    ['PAYOUT_DEV_PROVIDER', env.PAYOUT_DEV_PROVIDER === 'on', 'must be off in production (the dev provider marks withdrawals paid without moving money)'],
    ['DEMO_DATA', env.DEMO_DATA !== undefined && env.DEMO_DATA !== 'off', 'must be off in production (demo data has known HQ passwords)'],
    ['HQ_MFA', env.HQ_MFA === 'optional', 'cannot be optional in production: HQ roles must use a second factor'],
  ];
}

export function productionProblems(env: Env): ConfigProblem[] {
  const checks = providerChecks(env);
  // instances on one server database must share one secret, or each rejects the others' tokens
  checks.push(['JWT_SECRET', Boolean(env.DATABASE_URL) && !env.JWT_SECRET, 'is required with DATABASE_URL (every instance must sign with the same secret)']);
  for (const setting of ['DATABASE_LISTEN_URL', 'DATABASE_READ_URL'] as const) {
    checks.push([setting, Boolean(env[setting]) && !env.DATABASE_URL, 'needs DATABASE_URL: it names another address of the same PostgreSQL server']);
  }
  if (env.APP_ENV === 'production') checks.push(...productionChecks(env));
  const seen = new Set<string>();
  return checks
    .filter(([, failing]) => failing)
    .map(([setting, , problem]) => ({ setting, problem }))
    .filter((p) => !seen.has(p.setting + p.problem) && Boolean(seen.add(p.setting + p.problem)));
}
