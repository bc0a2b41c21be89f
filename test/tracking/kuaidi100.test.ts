// The 快递100 adapter against a loopback fake that checks keys, signatures and parameters the way
// 快递100 documents them, and pushes to a real callback receiver. No database, no internet.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CARRIER_CODES, CARRIERS, carrierName, carrierNeedsPhone, isCarrierCode } from '../../src/modules/orders/carriers.js';
import { beijingTimeToDate, Kuaidi100Tracking, kuaidi100State, type Kuaidi100Config } from '../../src/modules/orders/tracking-kuaidi100.js';
import { DevTracking, TrackingCallbackError, TrackingError, type TrackingSnapshot } from '../../src/modules/orders/tracking.js';
import { startKuaidi100Fake, type FakeEvent, type Kuaidi100Fake } from '../fakes/kuaidi100.js';

const KEY = 'fakeKuaidi100Key01';
const CUSTOMER = '3564B6CF145FA93724CE18C1FB149036';
const SALT = 'fenxiao-salt-0001';
const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const at = (beijing: string) => new Date(`${beijing.replace(' ', 'T')}+08:00`);

const EVENTS: FakeEvent[] = [
  { at: at('2024-03-01 09:15:00'), text: '【深圳市】顺丰速运 已收取快件', area: '广东省深圳市' },
  { at: at('2024-03-02 23:40:12'), text: '快件已到达【上海浦东集散中心】', area: '上海市浦东新区' },
  { at: at('2024-03-03 00:05:59'), text: '快件交给王师傅，正在派送途中', area: '上海市浦东新区' },
];

/** Our side of the push: a receiver that reads each push with the adapter and answers as it says. */
async function startReceiver(tracking: () => Kuaidi100Tracking) {
  const got: Array<TrackingSnapshot | TrackingCallbackError> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      let accepted = false;
      try {
        got.push(tracking().readCallback(form));
        accepted = true;
      } catch (err) {
        if (!(err instanceof TrackingCallbackError)) throw err;
        got.push(err);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tracking().callbackAnswer(accepted)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tracking/kuaidi100/callback`;
  return { url, got, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('Kuaidi100Tracking against the 快递100 fake', () => {
  let fake: Kuaidi100Fake;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let config: Kuaidi100Config;
  let tracking: Kuaidi100Tracking;
  const provider = (over: Partial<Kuaidi100Config> = {}) => new Kuaidi100Tracking({ ...config, ...over });

  beforeEach(async () => {
    fake = await startKuaidi100Fake({ key: KEY, customer: CUSTOMER, refusedCompanies: ['danniao'] });
    receiver = await startReceiver(() => tracking);
    config = { baseUrl: fake.url, key: KEY, customer: CUSTOMER, salt: SALT, callbackUrl: receiver.url, timeoutMs: 300 };
    tracking = provider();
  });
  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  describe('subscribe', () => {
    it('subscribes with the documented form: schema json, key, callbackurl, salt, resultv2, phone', async () => {
      expect(await tracking.subscribe({ carrierCode: 'shunfeng', trackingNo: 'SF1234567890123', phone: '13912345678' })).toEqual({ ok: true });
      const call = fake.calls.at(-1)!;
      expect(call.path).toBe('/poll');
      expect(call.form.schema).toBe('json');
      expect(JSON.parse(call.form.param!)).toEqual({
        company: 'shunfeng', number: 'SF1234567890123', key: KEY,
        parameters: { callbackurl: receiver.url, salt: SALT, resultv2: '1', phone: '13912345678' },
      });
      expect(call.answer).toMatchObject({ result: true, returnCode: '200' });
      expect(fake.subscriptions.get('shunfeng:SF1234567890123')).toMatchObject({ callbackurl: receiver.url, salt: SALT, status: 'polling' });
    });

    it('counts 501 (already subscribed) as done', async () => {
      const p = { carrierCode: 'zhongtong', trackingNo: '78123456789012' };
      expect(await tracking.subscribe(p)).toEqual({ ok: true });
      expect(await tracking.subscribe(p)).toEqual({ ok: true });
      expect(fake.calls.map((c) => c.answer?.returnCode)).toEqual(['200', '501']);
    });

    it('a wrong key is refused (600) and not worth retrying', async () => {
      const answer = await provider({ key: 'not-the-key' }).subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' });
      expect(answer).toMatchObject({ ok: false, code: '600', retryable: false });
      expect(fake.subscriptions.size).toBe(0);
    });

    it('bad data is refused and not retryable: unknown company 700, refused company 701, missing number 700', async () => {
      expect(await tracking.subscribe({ carrierCode: 'nosuchcarrier', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: '700', retryable: false });
      expect(await tracking.subscribe({ carrierCode: 'danniao', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: '701', retryable: false });
      expect(await tracking.subscribe({ carrierCode: 'yunda', trackingNo: '' })).toMatchObject({ ok: false, code: '700', retryable: false });
      expect(fake.subscriptions.size).toBe(0);
    });

    it('5xx answers and 快递100 server errors (500) are retryable', async () => {
      fake.failNext('/poll', { httpStatus: 502 });
      expect(await tracking.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: 'HTTP_502', retryable: true });
      fake.failNext('/poll', { returnCode: '500' });
      expect(await tracking.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: '500', retryable: true });
      expect(fake.subscriptions.size).toBe(0);
      expect(await tracking.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toEqual({ ok: true });
    });

    it('a timeout and a refused connection are retryable', async () => {
      fake.failNext('/poll', { stall: true });
      const started = Date.now();
      expect(await tracking.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: 'TIMEOUT', retryable: true });
      expect(Date.now() - started).toBeLessThan(3_000);
      const down = provider({ baseUrl: `http://127.0.0.1:${await refusedPort()}` });
      expect(await down.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toMatchObject({ ok: false, code: 'NETWORK', retryable: true });
    });

    it('refuses a configuration without salt or with a relative callback URL', () => {
      expect(() => provider({ salt: '' })).toThrow(/salt/);
      expect(() => provider({ callbackUrl: '/api/tracking/kuaidi100/callback' })).toThrow(/callbackUrl/);
    });
  });

  describe('query', () => {
    it('signs MD5(param + key + customer) upper-case and reads the answer with Beijing times', async () => {
      fake.setTrack('SF1234567890123', { company: 'shunfeng', state: '5', events: EVENTS });
      const s = await tracking.query({ carrierCode: 'shunfeng', trackingNo: 'SF1234567890123', phone: '5678' });
      const call = fake.calls.at(-1)!;
      expect(call.path).toBe('/poll/query.do');
      expect(call.form.customer).toBe(CUSTOMER);
      expect(call.form.sign).toBe(md5Upper(call.form.param! + KEY + CUSTOMER));
      expect(JSON.parse(call.form.param!)).toMatchObject({ com: 'shunfeng', num: 'SF1234567890123', phone: '5678', resultv2: '1' });
      expect(s).toMatchObject({ carrierCode: 'shunfeng', trackingNo: 'SF1234567890123', state: 'out_for_delivery', delivered: false });
      expect(s.events.map((e) => e.at.toISOString())).toEqual(['2024-03-02T16:05:59.000Z', '2024-03-02T15:40:12.000Z', '2024-03-01T01:15:00.000Z']);
      expect(s.events[0]).toEqual({ at: EVENTS[2]!.at, text: EVENTS[2]!.text, area: '上海市浦东新区' });
    });

    it('a wrong key fails the signature (503), not retryable', async () => {
      fake.setTrack('4312345678901', { company: 'yunda', state: '0', events: EVENTS });
      const err = await provider({ key: 'not-the-key' }).query({ carrierCode: 'yunda', trackingNo: '4312345678901' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrackingError);
      expect(err).toMatchObject({ code: '503', retryable: false });
    });

    it('no track yet (500) is retryable; a missing SF phone (408) and an unknown company (400) are not', async () => {
      await expect(tracking.query({ carrierCode: 'yunda', trackingNo: '4312345678901' })).rejects.toMatchObject({ code: '500', retryable: true });
      fake.setTrack('SF1234567890123', { company: 'shunfeng', state: '0', events: EVENTS });
      await expect(tracking.query({ carrierCode: 'shunfeng', trackingNo: 'SF1234567890123' })).rejects.toMatchObject({ code: '408', retryable: false });
      await expect(tracking.query({ carrierCode: 'nosuchcarrier', trackingNo: '4312345678901' })).rejects.toMatchObject({ code: '400', retryable: false });
    });

    it('5xx and timeouts are retryable TrackingErrors', async () => {
      fake.failNext('/poll/query.do', { httpStatus: 503 });
      await expect(tracking.query({ carrierCode: 'yunda', trackingNo: '4312345678901' })).rejects.toMatchObject({ code: 'HTTP_503', retryable: true });
      fake.failNext('/poll/query.do', { stall: true });
      await expect(tracking.query({ carrierCode: 'yunda', trackingNo: '4312345678901' })).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    });
  });

  describe('readCallback', () => {
    beforeEach(async () => {
      expect(await tracking.subscribe({ carrierCode: 'yuantong', trackingNo: 'YT7000123456789' })).toEqual({ ok: true });
    });

    it('accepts the signed push, answers result true / returnCode 200, reads it newest first', async () => {
      const outcome = await fake.push('YT7000123456789', '3', EVENTS);
      expect(outcome.form.sign).toBe(md5Upper(outcome.form.param! + SALT));
      expect(outcome.acknowledged).toBe(true);
      expect(JSON.parse(outcome.answer)).toEqual({ result: true, returnCode: '200', message: '成功' });
      const s = receiver.got[0] as TrackingSnapshot;
      expect(s).toMatchObject({ carrierCode: 'yuantong', trackingNo: 'YT7000123456789', state: 'delivered', delivered: true, watch: 'ended' });
      expect(s.events.map((e) => e.text)).toEqual([EVENTS[2]!.text, EVENTS[1]!.text, EVENTS[0]!.text]);
      expect(s.events[2]!.at.getTime()).toBe(EVENTS[0]!.at.getTime());
    });

    it('refuses a tampered param under the original sign', async () => {
      const { form } = await fake.push('YT7000123456789', '2', EVENTS);
      const tampered = { ...form, param: form.param!.replace('"state":"2"', '"state":"3"') };
      expect(tampered.param).not.toBe(form.param);
      expect(() => tracking.readCallback(tampered)).toThrow(expect.objectContaining({ problem: 'bad_sign' }));
      expect(tracking.readCallback(form).state).toBe('problem');
    });

    it('refuses a wrong sign and a missing sign, and the push is not acknowledged', async () => {
      const forged = await fake.push('YT7000123456789', '3', EVENTS, { wrongSign: true });
      expect(forged.acknowledged).toBe(false);
      const unsigned = await fake.push('YT7000123456789', '3', EVENTS, { omitSign: true });
      expect(unsigned.acknowledged).toBe(false);
      expect(receiver.got.map((g) => (g instanceof TrackingCallbackError ? g.problem : g.state))).toEqual(['bad_sign', 'missing_sign']);
      expect(() => tracking.readCallback({ param: forged.form.param!, sign: md5Upper(forged.form.param!) })).toThrow(TrackingCallbackError);
    });

    it('refuses a correctly signed param that is not a tracking result', () => {
      for (const param of ['not json', JSON.stringify({ status: 'polling' }), JSON.stringify({ lastResult: { com: 'yuantong', nu: 'YT1', state: '0', data: [{ context: 'x', ftime: '2024-02-30 10:00:00' }] } })]) {
        expect(() => tracking.readCallback({ param, sign: md5Upper(param + SALT) })).toThrow(expect.objectContaining({ problem: 'malformed' }));
      }
    });

    it('orders events newest first even when a push lists them oldest first, and keeps resultv2 areas', () => {
      const data = [
        { context: '已揽收', time: '2024-03-01 09:15:00', ftime: '2024-03-01 09:15:00', areaName: '广东省深圳市' },
        { context: '运输中', time: '2024-03-02 08:00:00', ftime: '2024-03-02 08:00:00' },
      ];
      const param = JSON.stringify({ status: 'abort', message: '3天查询无记录', lastResult: { com: 'yuantong', nu: 'YT7000123456789', state: '1001', ischeck: '0', data } });
      const s = tracking.readCallback({ param, sign: md5Upper(param + SALT).toLowerCase() });
      expect(s.events).toEqual([{ at: at('2024-03-02 08:00:00'), text: '运输中' }, { at: at('2024-03-01 09:15:00'), text: '已揽收', area: '广东省深圳市' }]);
      expect(s).toMatchObject({ state: 'in_transit', watch: 'aborted', delivered: false });
    });

    it('keeps our carrier when 快递100 corrected it, and reports the correction; 14 is rejected', async () => {
      await fake.push('YT7000123456789', '14', EVENTS, { correctedTo: 'zhongtong' });
      expect(receiver.got[0]).toMatchObject({ carrierCode: 'yuantong', correctedCarrierCode: 'zhongtong', state: 'rejected', watch: 'active' });
    });
  });
});

describe('快递100 states and times', () => {
  it('maps base and advanced states to ours', () => {
    const table: Record<string, string> = {
      '0': 'in_transit', '1': 'collected', '2': 'problem', '3': 'delivered', '4': 'returned', '5': 'out_for_delivery', '6': 'returned',
      '7': 'in_transit', '8': 'customs', '10': 'customs', '13': 'problem', '14': 'rejected',
      '101': 'collected', '1001': 'in_transit', '201': 'problem', '304': 'delivered', '401': 'returned', '501': 'out_for_delivery',
    };
    expect(Object.fromEntries(Object.keys(table).map((c) => [c, kuaidi100State(c)]))).toEqual(table);
  });

  it('reads Beijing time as +08:00 whatever the server TZ, and refuses impossible dates', () => {
    expect(beijingTimeToDate('2024-01-01 00:30:00')?.toISOString()).toBe('2023-12-31T16:30:00.000Z');
    expect(beijingTimeToDate('2024-02-30 10:00:00')).toBeUndefined();
    expect(beijingTimeToDate('yesterday')).toBeUndefined();
  });
});

describe('carriers', () => {
  it('lists the common companies by 快递100 code, with names, usable as a zod enum', () => {
    expect(new Set(CARRIER_CODES).size).toBe(CARRIER_CODES.length);
    for (const code of ['shunfeng', 'jd', 'ems', 'youzhengguonei', 'zhongtong', 'yuantong', 'shentong', 'yunda', 'jtexpress', 'debangkuaidi']) {
      expect(isCarrierCode(code)).toBe(true);
    }
    expect(CARRIER_CODES.every((c) => /^[a-z]+$/.test(c))).toBe(true);
    expect(CARRIERS.map((c) => c.code)).toEqual([...CARRIER_CODES]);
    expect(CARRIERS.every((c) => c.zh && c.en)).toBe(true);
    expect([carrierName('shunfeng', 'zh'), carrierName('shunfeng', 'en'), carrierName('jtexpress')]).toEqual(['顺丰速运', 'SF Express', '极兔速递']);
    expect([isCarrierCode('SHUNFENG'), isCarrierCode('toString'), carrierName('acme')]).toEqual([false, false, 'acme']);
    expect([carrierNeedsPhone('shunfeng'), carrierNeedsPhone('yunda')]).toEqual([true, false]);
    const schema = z.enum(CARRIER_CODES);
    expect(schema.parse('yunda')).toBe('yunda');
    expect(schema.safeParse('nosuch').success).toBe(false);
  });
});

describe('DevTracking', () => {
  it('subscribes without a network and makes up the same plausible path for a number', async () => {
    const now = new Date('2024-05-01T12:00:00Z');
    const dev = new DevTracking(() => now);
    expect(await dev.subscribe({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toEqual({ ok: true });
    const a = await dev.query({ carrierCode: 'yunda', trackingNo: '4312345678901' });
    expect(await dev.query({ carrierCode: 'yunda', trackingNo: '4312345678901' })).toEqual(a);
    expect(a.events.length).toBeGreaterThanOrEqual(2);
    expect(a.events.every((e, i) => i === 0 || e.at < a.events[i - 1]!.at)).toBe(true);
    expect(a.events[0]!.at < now).toBe(true);
    expect(a.events.at(-1)!.text).toContain('韵达快递');
    expect(a.delivered).toBe(a.state === 'delivered');
    expect(() => dev.readCallback()).toThrow(TrackingCallbackError);
  });
});
