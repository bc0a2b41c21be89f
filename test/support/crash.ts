// Crash tests against the real server process: `node --import tsx src/main.ts` (what `npx tsx
// src/main.ts` runs, minus the npx wrapper, so SIGKILL hits the server itself) on a scratch
// PostgreSQL database, with FENXIAO_CRASH_POINT armed. Driven over HTTP with fetch, killed at the
// point, restarted with the next point armed, the callback / request / sweep replayed, and every
// balance checked against what must be there: nothing lost, nothing doubled.
//
// One chain walks all nine crash points of src/faults.ts on one database, ten process starts in all.
// Used by test/reliability/crash.test.ts and scripts/soak.ts. No vitest imports.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, devPaymentBody, devPaymentSecret, devRefundBody, signDev } from './reliability.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CRASH_POINTS = [
  'payment.before-commit',
  'refund.before-commit',
  'payment.after-commit',
  'refund.after-commit',
  'unfreeze.before-commit',
  'unfreeze.after-commit',
  'payout.after-reserve',
  'payout.before-provider',
  'payout.after-provider',
] as const;
export type CrashPointName = (typeof CRASH_POINTS)[number];

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface HttpResult {
  status: number;
  body: any;
}

/** One server process. */
export class ServerProcess {
  private output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  }

  static async start(options: { databaseUrl: string; jwtSecret: string; dataDir: string; crashPoint?: string; timeoutMs?: number; env?: Record<string, string> }): Promise<ServerProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      // the core demo only: quick to start, and no demo payment runs into an armed crash point
      DEMO_DATA: 'core',
      JOB_INTERVAL_MS: '0',
      JWT_SECRET: options.jwtSecret,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      // the walks pay many orders per buyer in a minute; the limit has its own tests
      CHECKOUT_PER_MEMBER_PER_MINUTE: '1000000',
      ...options.env,
    };
    delete env.FENXIAO_CRASH_POINT;
    if (options.crashPoint) env.FENXIAO_CRASH_POINT = options.crashPoint;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + (options.timeoutMs ?? 40_000);
    let exitedEarly = false;
    void server.exited.then(() => (exitedEarly = true));
    while (Date.now() < deadline) {
      if (exitedEarly) throw new Error(`the server exited while starting:\n${server.log()}`);
      try {
        const res = await fetch(`${server.base}/health`);
        if (res.ok) return server;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`the server did not start in time:\n${server.log()}`);
  }

  log(): string {
    return this.output.join('').slice(-4_000);
  }

  async request(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  }

  /** Sends a request that must kill the server: the connection drops and the process dies by SIGKILL. */
  async requestExpectingDeath(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ signal: string | null; answered?: HttpResult }> {
    let answered: HttpResult | undefined;
    try {
      answered = await this.request(method, path, options);
    } catch {
      /* the socket closed under the request: expected */
    }
    const timeout = new Promise<{ code: null; signal: null }>((r) => setTimeout(() => r({ code: null, signal: null }), 10_000));
    const exit = await Promise.race([this.exited, timeout]);
    return { signal: exit.signal, answered };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

// --- the chain ------------------------------------------------------------------------------------

interface Earning {
  memberId: number;
  amountFen: number;
}

interface Bal {
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
  withdrawingFen: number;
  debtFen: number;
}

const DEMO_PASSWORD = 'demo1234';
const OWNER_PHONE = '13800000000';
const CHAIN_PHONES = ['13900000001', '13900000002', '13900000003', '13900000004', '13900000005'];

export class CrashFailure extends Error {}

/**
 * The nine crash points in one walk. Each step kills the server at its point and the next step
 * restarts it (armed with the next point), replays what the killed one was doing and checks that
 * the money is exactly where it must be.
 */
export class CrashChain {
  server?: ServerProcess;
  readonly jwtSecret = `crash-test-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  readonly devSecret = devPaymentSecret(this.jwtSecret);
  readonly dataDir = mkdtempSync(join(tmpdir(), 'fenxiao-crash-'));
  databaseUrl = '';
  private dropDatabase?: () => Promise<void>;
  crashes = 0;
  fenLost = 0;
  readonly problems: string[] = [];

  // what the walk knows
  private owner = '';
  private buyer = { id: 0, token: '' };
  private members: Array<{ id: number; token: string }> = [];
  private expected = new Map<number, Bal>();
  private order1?: { id: number; lineId: number; paidFen: number; outTradeNo: string; amountFen: number; earnings: Earning[] };
  private order2?: { id: number; lineId: number; paidFen: number; outTradeNo: string; amountFen: number; earnings: Earning[] };
  private refund1?: { refundNo: string; amountFen: number; body: unknown };
  private refund2?: { refundNo: string; amountFen: number };
  private payout?: { memberId: number; token: string; amountFen: number; body: unknown; id?: number };

  constructor(private readonly adminUrl: string) {}

  async open(): Promise<void> {
    const scratch = await createScratchDatabase(this.adminUrl, 'fenxiao_crash');
    this.databaseUrl = scratch.url;
    this.dropDatabase = scratch.drop;
  }

  async close(): Promise<void> {
    await this.server?.stop();
    if (this.dropDatabase) await this.dropDatabase();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async restart(crashPoint?: CrashPointName) {
    if (this.server && this.server.child.exitCode === null && this.server.child.signalCode === null) await this.server.stop();
    this.server = await ServerProcess.start({ databaseUrl: this.databaseUrl, jwtSecret: this.jwtSecret, dataDir: this.dataDir, crashPoint });
  }

  private get s(): ServerProcess {
    if (!this.server) throw new Error('no server');
    return this.server;
  }

  private fail(message: string): never {
    this.problems.push(message);
    throw new CrashFailure(`${message}\n--- server output ---\n${this.server?.log() ?? ''}`);
  }

  private async ok(res: Promise<HttpResult>, status: number, what: string): Promise<any> {
    const r = await res;
    if (r.status !== status) this.fail(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  private async die(what: string, point: CrashPointName, send: () => Promise<{ signal: string | null; answered?: HttpResult }>) {
    const { signal, answered } = await send();
    if (signal !== 'SIGKILL') this.fail(`${what}: the server did not die at ${point} (answered ${JSON.stringify(answered)})`);
    this.crashes += 1;
  }

  private bal(memberId: number): Bal {
    let b = this.expected.get(memberId);
    if (!b) this.expected.set(memberId, (b = { pendingFen: 0, frozenFen: 0, availableFen: 0, withdrawingFen: 0, debtFen: 0 }));
    return b;
  }

  /** Every tracked balance equals what must be there, and reconciliation is ok. */
  async verify(when: string): Promise<void> {
    for (const [memberId, expected] of this.expected) {
      const actual = (await this.ok(this.s.request('GET', `/api/admin/members/${memberId}/balances`, { token: this.owner }), 200, 'balances')) as Bal;
      let diff = 0;
      for (const k of Object.keys(expected) as Array<keyof Bal>) diff += Math.abs(actual[k] - expected[k]);
      if (diff) {
        this.fenLost += diff;
        this.fail(`${when}: member ${memberId} has ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
    }
    const report = await this.ok(this.s.request('GET', '/api/admin/reconciliation', { token: this.owner }), 200, 'reconciliation');
    if (!report.ok) this.fail(`${when}: reconciliation: ${JSON.stringify(report.checks.filter((c: { differences: unknown[] }) => c.differences.length))}`);
  }

  private async login(phone: string) {
    const body = await this.ok(this.s.request('POST', '/api/auth/login', { body: { phone, password: DEMO_PASSWORD } }), 200, `login ${phone}`);
    return { id: body.member.id as number, token: body.token as string };
  }

  /** The earnings a paid order must create: an independent reading of the rules in force. */
  private async plannedEarnings(paidFen: number): Promise<Earning[]> {
    const rules = (await this.ok(this.s.request('GET', '/api/admin/rules', { token: this.owner }), 200, 'rules')).current.config;
    const detail = await this.ok(this.s.request('GET', `/api/admin/members/${this.buyer.id}`, { token: this.owner }), 200, 'buyer');
    const chain = (detail.uplines as Array<{ id: number; distributorStatus: string; tierId: number; distance: number }>)
      .filter((u) => u.distributorStatus === 'active')
      .sort((a, b) => a.distance - b.distance)
      .slice(0, rules.commission.levels);
    let earnings = chain.map((u, i) => {
      const rates = rules.commission.tierRatesBp[String(u.tierId)] ?? rules.commission.tierRatesBp['1'];
      return { memberId: u.id, amountFen: Math.floor((paidFen * (rates[i] ?? 0)) / 10_000) };
    });
    const cap = Math.floor((paidFen * rules.commission.capBp) / 10_000);
    const total = earnings.reduce((s, e) => s + e.amountFen, 0);
    if (total > cap) earnings = earnings.map((e) => ({ ...e, amountFen: Math.floor((e.amountFen * cap) / total) }));
    return earnings.filter((e) => e.amountFen > 0);
  }

  private async checkoutAndPay(key: string) {
    const products = await this.ok(this.s.request('GET', '/api/products'), 200, 'products');
    const sku = products.items[0].skus[0];
    const order = await this.ok(this.s.request('POST', '/api/orders', { token: this.buyer.token, body: { items: [{ skuId: sku.id, quantity: 1 }], checkoutKey: key } }), 201, 'checkout');
    const pay = await this.ok(this.s.request('POST', `/api/orders/${order.id}/pay`, { token: this.buyer.token, body: { provider: 'dev' } }), 200, 'pay');
    const line = order.lines[0];
    return { id: order.id as number, lineId: line.id as number, paidFen: line.paidFen as number, outTradeNo: pay.outTradeNo as string, amountFen: pay.amountFen as number, earnings: await this.plannedEarnings(line.paidFen) };
  }

  private notify(body: string) {
    return this.s.request('POST', '/api/payments/dev/notify', { body, headers: { 'x-dev-signature': signDev(this.devSecret, body) } });
  }

  private async orderOf(id: number) {
    return this.ok(this.s.request('GET', `/api/admin/orders/${id}`, { token: this.owner }), 200, 'order');
  }

  // --- the ten starts -----------------------------------------------------------------------------

  /** 1: armed payment.before-commit; the payment callback dies before commit. */
  async step1(): Promise<void> {
    await this.restart('payment.before-commit');
    this.owner = (await this.login(OWNER_PHONE)).token;
    this.members = [];
    for (const phone of CHAIN_PHONES) this.members.push(await this.login(phone));
    this.buyer = this.members[4];
    // freeze 0 days so the unfreeze steps need no clock; enough withdrawals a day; small ones automatic
    const rules = (await this.ok(this.s.request('GET', '/api/admin/rules', { token: this.owner }), 200, 'rules')).current.config;
    rules.commission.freezeDays = 0;
    rules.payout.dailyCountLimit = 100;
    rules.payout.autoApproveMaxFen = Math.max(rules.payout.autoApproveMaxFen, 5_000);
    rules.payout.minAmountFen = Math.min(rules.payout.minAmountFen, 100);
    const change = await this.ok(this.s.request('PUT', '/api/admin/rules', { token: this.owner, body: { config: rules, note: 'crash test' } }), 202, 'rules');
    // a freeze under 7 days needs a second approver (src/modules/rules/limits.ts): the demo's finance member
    const finance = (await this.login('13800000002')).token;
    await this.ok(this.s.request('POST', `/api/admin/rules/changes/${change.id}/approve`, { token: finance, body: {} }), 200, 'rules approval');
    for (const m of this.members) {
      const b = (await this.ok(this.s.request('GET', `/api/admin/members/${m.id}/balances`, { token: this.owner }), 200, 'balances')) as Bal;
      this.expected.set(m.id, { ...b });
    }
    await this.verify('before anything');
    this.order1 = await this.checkoutAndPay(`crash-order-1-${Date.now()}`);
    await this.die('payment callback', 'payment.before-commit', () => this.s.requestExpectingDeath('POST', '/api/payments/dev/simulate', { token: this.buyer.token, body: { outTradeNo: this.order1!.outTradeNo } }));
  }

  /** 2: the payment was lost with the process; its replay pays once. Then a refund dies before commit. */
  async step2(): Promise<void> {
    await this.restart('refund.before-commit');
    const o = this.order1!;
    if ((await this.orderOf(o.id)).status !== 'pending_payment') this.fail('a payment that died before commit left the order paid');
    await this.verify('after a payment died before commit');
    const body = devPaymentBody(o.outTradeNo, o.amountFen);
    const first = await this.ok(this.notify(body), 200, 'replayed payment');
    if (first.outcome !== 'applied') this.fail(`the replayed payment was ${first.outcome}`);
    const again = await this.ok(this.notify(body), 200, 'replayed payment again');
    if (again.outcome !== 'duplicate') this.fail(`the second replay was ${again.outcome}`);
    for (const e of o.earnings) this.bal(e.memberId).pendingFen += e.amountFen;
    await this.verify('after the payment replay');
    const amountFen = Math.floor(o.paidFen / 2);
    const body2 = { lines: [{ lineId: o.lineId, amountFen }], reason: '崩溃测试退一半', idempotencyKey: `crash-refund-1-${o.id}` };
    this.refund1 = { refundNo: '', amountFen, body: body2 };
    await this.die('refund', 'refund.before-commit', () => this.s.requestExpectingDeath('POST', `/api/admin/orders/${o.id}/refunds`, { token: this.owner, body: body2 }));
  }

  /** 3: the refund stays processing with nothing reversed; its callback replayed reverses once. Then a payment dies after commit. */
  async step3(): Promise<void> {
    await this.restart('payment.after-commit');
    const o = this.order1!;
    const order = await this.orderOf(o.id);
    const refund = order.refunds.at(-1);
    if (!refund || refund.status !== 'processing') this.fail(`after the refund died before its callback committed, the refund is ${JSON.stringify(refund)}`);
    this.refund1!.refundNo = refund.refundNo;
    await this.verify('after a refund callback died before commit');
    const body = devRefundBody(o.outTradeNo, refund.refundNo, this.refund1!.amountFen);
    const first = await this.ok(this.notify(body), 200, 'replayed refund callback');
    if (first.outcome !== 'applied') this.fail(`the replayed refund callback was ${first.outcome}`);
    if ((await this.ok(this.notify(body), 200, 'refund callback again')).outcome !== 'duplicate') this.fail('a second refund callback was applied');
    // the HQ request replayed too: the same refund, nothing more
    const replay = await this.ok(this.s.request('POST', `/api/admin/orders/${o.id}/refunds`, { token: this.owner, body: this.refund1!.body }), 200, 'replayed refund request');
    if (!replay.duplicate || replay.status !== 'succeeded') this.fail(`the replayed refund request answered ${JSON.stringify(replay)}`);
    for (const e of o.earnings) this.bal(e.memberId).pendingFen -= Math.floor((e.amountFen * this.refund1!.amountFen) / o.paidFen);
    await this.verify('after the refund replay');
    this.order2 = await this.checkoutAndPay(`crash-order-2-${Date.now()}`);
    await this.die('payment callback', 'payment.after-commit', () => this.s.requestExpectingDeath('POST', '/api/payments/dev/simulate', { token: this.buyer.token, body: { outTradeNo: this.order2!.outTradeNo } }));
  }

  /** 4: the payment committed before the process died: the replay is a duplicate. Then a refund dies after commit. */
  async step4(): Promise<void> {
    await this.restart('refund.after-commit');
    const o = this.order2!;
    if ((await this.orderOf(o.id)).status !== 'paid') this.fail('a payment that committed before the crash is not paid');
    for (const e of o.earnings) this.bal(e.memberId).pendingFen += e.amountFen;
    await this.verify('after a payment died after commit');
    const again = await this.ok(this.notify(devPaymentBody(o.outTradeNo, o.amountFen)), 200, 'replayed payment');
    if (again.outcome !== 'duplicate') this.fail(`the replay of a committed payment was ${again.outcome}`);
    await this.verify('after replaying a committed payment');
    const body = { lines: [{ lineId: o.lineId, amountFen: o.paidFen }], reason: '崩溃测试全退', idempotencyKey: `crash-refund-2-${o.id}` };
    this.refund2 = { refundNo: '', amountFen: o.paidFen };
    await this.die('refund', 'refund.after-commit', () => this.s.requestExpectingDeath('POST', `/api/admin/orders/${o.id}/refunds`, { token: this.owner, body }));
  }

  /** 5: the full refund committed; its replay is a duplicate. Order 1 completes; the sweep dies before commit. */
  async step5(): Promise<void> {
    await this.restart('unfreeze.before-commit');
    const o = this.order2!;
    const order = await this.orderOf(o.id);
    const refund = order.refunds.at(-1);
    if (!refund || refund.status !== 'succeeded') this.fail(`a refund callback that committed before the crash is ${JSON.stringify(refund)}`);
    this.refund2!.refundNo = refund.refundNo;
    for (const e of o.earnings) this.bal(e.memberId).pendingFen -= e.amountFen;
    await this.verify('after a refund died after commit');
    const again = await this.ok(this.notify(devRefundBody(o.outTradeNo, refund.refundNo, o.paidFen)), 200, 'replayed refund');
    if (again.outcome !== 'duplicate') this.fail(`the replay of a committed refund was ${again.outcome}`);
    await this.verify('after replaying a committed refund');
    const o1 = this.order1!;
    await this.ok(this.s.request('POST', `/api/orders/${o1.id}/confirm-receipt`, { token: this.buyer.token }), 200, 'confirm receipt');
    for (const e of o1.earnings) {
      const left = e.amountFen - Math.floor((e.amountFen * this.refund1!.amountFen) / o1.paidFen);
      this.bal(e.memberId).pendingFen -= left;
      this.bal(e.memberId).frozenFen += left;
    }
    await this.verify('after completion');
    await this.die('unfreeze sweep', 'unfreeze.before-commit', () => this.s.requestExpectingDeath('POST', '/api/admin/jobs/unfreeze', { token: this.owner }));
  }

  /** 6: nothing moved; the sweep runs again and dies after commit. */
  async step6(): Promise<void> {
    await this.restart('unfreeze.after-commit');
    await this.verify('after a sweep died before commit');
    await this.die('unfreeze sweep', 'unfreeze.after-commit', () => this.s.requestExpectingDeath('POST', '/api/admin/jobs/unfreeze', { token: this.owner }));
  }

  /** 7: the sweep committed once; running it again moves nothing. Then a withdrawal dies before its reserve commits. */
  async step7(): Promise<void> {
    await this.restart('payout.after-reserve');
    const o1 = this.order1!;
    for (const e of o1.earnings) {
      const b = this.bal(e.memberId);
      const left = e.amountFen - Math.floor((e.amountFen * this.refund1!.amountFen) / o1.paidFen);
      const toDebt = Math.min(b.debtFen, left);
      b.frozenFen -= left;
      b.debtFen -= toDebt;
      b.availableFen += left - toDebt;
    }
    await this.verify('after a sweep died after commit');
    const swept = await this.ok(this.s.request('POST', '/api/admin/jobs/unfreeze', { token: this.owner }), 200, 'sweep again');
    if (swept.earnings !== 0) this.fail(`the sweep replayed moved ${swept.earnings} earnings again`);
    await this.verify('after replaying the sweep');
    // the level-1 earner withdraws what became available (within the automatic limit)
    const earner = this.members.find((m) => m.id === o1.earnings[0].memberId)!;
    const available = this.bal(earner.id).availableFen;
    const amountFen = Math.min(available, 5_000);
    if (amountFen < 100) this.fail(`only ${available} fen available to withdraw`);
    const body = { amountFen, channel: 'alipay', destination: { account: 'crash@example.com', realName: '张三' }, idempotencyKey: `crash-payout-${Date.now()}` };
    this.payout = { memberId: earner.id, token: earner.token, amountFen, body };
    await this.die('withdrawal', 'payout.after-reserve', () => this.s.requestExpectingDeath('POST', '/api/me/payouts', { token: earner.token, body }));
  }

  /** 8: no payout and nothing reserved; the replayed request reserves and dies before the provider. */
  async step8(): Promise<void> {
    await this.restart('payout.before-provider');
    const p = this.payout!;
    const mine = await this.ok(this.s.request('GET', '/api/me/payouts', { token: p.token }), 200, 'my payouts');
    if (mine.items.length !== 0) this.fail(`a withdrawal that died before commit left ${JSON.stringify(mine.items)}`);
    await this.verify('after a withdrawal died before its reserve committed');
    await this.die('withdrawal replay', 'payout.before-provider', () => this.s.requestExpectingDeath('POST', '/api/me/payouts', { token: p.token, body: p.body }));
  }

  /** 9: reserved once, still processing; the replay reaches the provider and dies before recording its answer. */
  async step9(): Promise<void> {
    await this.restart('payout.after-provider');
    const p = this.payout!;
    const mine = await this.ok(this.s.request('GET', '/api/me/payouts', { token: p.token }), 200, 'my payouts');
    if (mine.items.length !== 1 || mine.items[0].status !== 'processing') this.fail(`after dying before the provider: ${JSON.stringify(mine.items)}`);
    p.id = mine.items[0].id;
    this.bal(p.memberId).availableFen -= p.amountFen;
    this.bal(p.memberId).withdrawingFen += p.amountFen;
    await this.verify('after a withdrawal died before the provider');
    await this.die('withdrawal replay', 'payout.after-provider', () => this.s.requestExpectingDeath('POST', '/api/me/payouts', { token: p.token, body: p.body }));
  }

  /** 10: unarmed: the replay records the provider's answer once; replays after that change nothing. */
  async step10(): Promise<void> {
    await this.restart();
    const p = this.payout!;
    await this.verify('after a withdrawal died after the provider');
    const paid = await this.ok(this.s.request('POST', '/api/me/payouts', { token: p.token, body: p.body }), 201, 'withdrawal replay');
    if (paid.status !== 'paid' || paid.id !== p.id) this.fail(`the replayed withdrawal answered ${JSON.stringify(paid)}`);
    const again = await this.ok(this.s.request('POST', '/api/me/payouts', { token: p.token, body: p.body }), 201, 'withdrawal replayed again');
    if (again.id !== p.id || again.status !== 'paid') this.fail(`a second replay answered ${JSON.stringify(again)}`);
    this.bal(p.memberId).withdrawingFen -= p.amountFen;
    await this.verify('after the withdrawal replay');
    const summary = await this.ok(this.s.request('GET', '/api/me/commission/summary', { token: p.token }), 200, 'summary');
    if (summary.withdrawnFen !== p.amountFen) this.fail(`withdrawn ${summary.withdrawnFen}, expected ${p.amountFen}`);
    await this.server?.stop();
  }

  readonly steps = [this.step1, this.step2, this.step3, this.step4, this.step5, this.step6, this.step7, this.step8, this.step9, this.step10];

  /** The whole walk; for the soak. */
  async runAll(): Promise<void> {
    for (const step of this.steps) await step.call(this);
  }
}
