// The real server (`src/main.ts`, as `npm start` runs it) in production mode: it refuses to start on
// each insecure setting, naming it; with a complete configuration it starts, has no dev routes, and
// sends SMS codes through the configured provider (here Aliyun's loopback fake), never in the answer.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIYUN_FAKE_SIGN, ALIYUN_FAKE_TEMPLATES, startAliyunSmsFake, type AliyunSmsFake } from '../fakes/aliyun-sms.js';

const ROOT = join(import.meta.dirname, '../..');
const ACCESS_KEY = { accessKeyId: 'LTAI-prod-test', accessKeySecret: randomBytes(16).toString('hex') };

interface Run {
  code: number | null;
  output: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `src/main.ts` with exactly this environment (plus PATH); resolves when it exits or `until` matches its output. */
function runServer(env: Record<string, string>, until?: RegExp): Promise<Run & { stop: () => Promise<void> }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const stop = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve({ code: null, get output() { return output; }, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => resolve({ code, output, stop }));
  });
}

describe('production mode: the real server refuses an insecure start', () => {
  let fake: AliyunSmsFake;
  let dataDir: string;
  let complete: Record<string, string>;

  beforeAll(async () => {
    fake = await startAliyunSmsFake(ACCESS_KEY);
    dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-prod-'));
    complete = {
      APP_ENV: 'production',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PUBLIC_URL: 'https://shop.example.com',
      TRUST_PROXY: '0',
      SMS_PROVIDER: 'aliyun',
      SMS_ALIYUN_ACCESS_KEY_ID: ACCESS_KEY.accessKeyId,
      SMS_ALIYUN_ACCESS_KEY_SECRET: ACCESS_KEY.accessKeySecret,
      SMS_ALIYUN_SIGN_NAME: ALIYUN_FAKE_SIGN,
      SMS_ALIYUN_TEMPLATE_CODE: Object.keys(ALIYUN_FAKE_TEMPLATES)[0]!,
      SMS_ALIYUN_ENDPOINT: fake.url,
    };
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const without = (env: Record<string, string>, name: string) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== name));
  const insecure: Array<[string, (env: Record<string, string>) => Record<string, string>, string]> = [
    ['no JWT_SECRET', (e) => without(e, 'JWT_SECRET'), 'JWT_SECRET'],
    ['the dev SMS provider', (e) => ({ ...e, SMS_PROVIDER: 'dev' }), 'SMS_PROVIDER'],
    ['no SMS provider', (e) => without(e, 'SMS_PROVIDER'), 'SMS_PROVIDER'],
    ['the dev payment provider', (e) => ({ ...e, PAYMENT_DEV_PROVIDER: 'on' }), 'PAYMENT_DEV_PROVIDER'],
    ['the dev payout provider', (e) => ({ ...e, PAYOUT_DEV_PROVIDER: 'on' }), 'PAYOUT_DEV_PROVIDER'],
    ['demo data', (e) => ({ ...e, DEMO_DATA: 'full' }), 'DEMO_DATA'],
    ['no PUBLIC_URL', (e) => without(e, 'PUBLIC_URL'), 'PUBLIC_URL'],
    ['a plain-http PUBLIC_URL', (e) => ({ ...e, PUBLIC_URL: 'http://shop.example.com' }), 'PUBLIC_URL'],
    ['TRUST_PROXY not set', (e) => without(e, 'TRUST_PROXY'), 'TRUST_PROXY'],
    ['the SMS provider without its sign name', (e) => without(e, 'SMS_ALIYUN_SIGN_NAME'), 'SMS_ALIYUN_SIGN_NAME'],
    ['a 公众号 appid without its secret', (e) => ({ ...e, WECHAT_OA_APPID: 'wx0123456789abcdef' }), 'WECHAT_OA_SECRET'],
    ['an optional second factor', (e) => ({ ...e, HQ_MFA: 'optional' }), 'HQ_MFA'],
  ];

  it.each(insecure.map(([what, change, setting]) => ({ what, change, setting })))('refuses $what, naming $setting and pointing to docs/going-live.md', async ({ change, setting }) => {
    const run = await runServer({ ...change(complete), PORT: String(await freePort()) });
    expect(run.code).toBe(78);
    expect(run.output).toContain(`- ${setting}:`);
    expect(run.output).toContain('docs/going-live.md');
    expect(run.output).not.toContain('Fenxiao is running');
    // a refusal names settings, never a secret's value
    expect(run.output).not.toContain(ACCESS_KEY.accessKeySecret);
  });

  it('names every offending setting at once, not only the first', async () => {
    const run = await runServer({ APP_ENV: 'production', DATA_DIR: dataDir, PORT: String(await freePort()), DEMO_DATA: 'core', PAYMENT_DEV_PROVIDER: 'on' });
    expect(run.code).toBe(78);
    for (const setting of ['JWT_SECRET', 'PUBLIC_URL', 'TRUST_PROXY', 'SMS_PROVIDER', 'PAYMENT_DEV_PROVIDER', 'DEMO_DATA']) expect(run.output).toContain(`- ${setting}:`);
  });

  it('refuses, in development too, a PostgreSQL server without JWT_SECRET', async () => {
    const run = await runServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(run.code).toBe(78);
    expect(run.output).toContain('- JWT_SECRET:');
  });

  it('starts with a complete configuration: no dev routes, no demo data, SMS through the provider and never in the answer or the log', async () => {
    const port = await freePort();
    const run = await runServer({ ...complete, PORT: String(port) }, /Fenxiao is running/);
    try {
      expect(run.code).toBeNull();
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const simulate = await fetch(`${base}/api/payments/dev/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outTradeNo: 'FX0000000001' }) });
      expect(simulate.status).toBe(404);
      expect((await fetch(`${base}/api/payments/dev/notify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      // no demo HQ: the demo owner's phone and password do not sign in
      const demoLogin = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800000000', password: 'demo1234' }) });
      expect(demoLogin.status).toBe(401);
      const phone = '13912345678';
      const sms = await fetch(`${base}/api/auth/sms-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, purpose: 'register' }) });
      expect(sms.status).toBe(200);
      const answer = (await sms.json()) as Record<string, unknown>;
      expect(answer.devCode).toBeUndefined();
      const code = fake.lastCodeFor(phone);
      expect(code).toMatch(/^\d{6}$/);
      const providers = (await (await fetch(`${base}/api/auth/providers`)).json()) as Record<string, unknown>;
      expect(providers.devSms).toBe(false);
      // the provider out of balance: the buyer gets 503 SMS_UNAVAILABLE, the operator's log the provider's code
      fake.failNext('isv.AMOUNT_NOT_ENOUGH');
      const refused = await fetch(`${base}/api/auth/sms-codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13912345679', purpose: 'register' }) });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe('SMS_UNAVAILABLE');
      await expect.poll(() => run.output).toContain('isv.AMOUNT_NOT_ENOUGH');
      expect(run.output).not.toContain('13912345679');
      // the code reached the phone (the fake), and nowhere else
      expect(run.output).not.toContain(code!);
      await new Promise((r) => setTimeout(r, 200));
      expect(run.output).not.toContain(code!);
      expect(run.output).not.toContain(phone);
    } finally {
      await run.stop();
    }
  });
});
