// Income alerts outside the app against the loopback WeChat: a mini-program subscribe message per earning
// for a member with a one-time grant, a 公众号 template message for a follower without one; written with
// the money, sent after commit, retried with backoff on transient failures, never sent twice (also when
// the send is retried, when two instances sweep at once, or when WeChat's answer is lost), a refusal
// recorded and not retried, and each member's switch.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_WECHAT_REACH, type WechatReachConfig } from '../../src/config-wechat.js';
import { createServices } from '../../src/services.js';
import { startWechatFake, type WechatFake, type WechatFakeUser } from '../fakes/wechat.js';
import { buyAndPay, call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const TPL_MP = 'mpIncomeTpl_0001_abcdefghijklmnop';
const TPL_OA = 'oaIncomeTpl_0001_abcdefghijklmnop';
const MP = { appid: 'wx3b66666666666666', secret: 'mp-secret-1f2e3d4c5b', kind: 'mp' as const, releasedPages: ['pages/index/index', 'pages/earnings/index'], subscribeTemplates: { [TPL_MP]: ['thing1', 'amount2', 'time3', 'thing4'] } };
const OA = { appid: 'wx0a66666666666666', secret: 'oa-secret-6a5b4c3d2e', kind: 'oa' as const, redirectDomains: ['127.0.0.1'], templates: { [TPL_OA]: ['thing1', 'amount2', 'time3'] } };
const SUBSCRIBE = '/cgi-bin/message/subscribe/send';
const TEMPLATE = '/cgi-bin/message/template/send';
const REACH: WechatReachConfig = {
  miniProgram: DEFAULT_WECHAT_REACH.miniProgram,
  alerts: {
    enabled: true,
    mp: { templateId: TPL_MP, fields: [['thing1', 'source'], ['amount2', 'amount'], ['time3', 'time'], ['thing4', 'note']], page: 'pages/earnings/index' },
    oa: { templateId: TPL_OA, fields: [['thing1', 'source'], ['amount2', 'amount'], ['time3', 'time']], url: 'http://127.0.0.1/me' },
  },
};

type Member = RegisteredMember & { user?: WechatFakeUser };

function person(): WechatFakeUser {
  const id = randomBytes(8).toString('hex');
  return { unionid: `oUnion_${id}`, nickname: `推客${id.slice(0, 4)}`, avatarUrl: `https://thirdwx.qlogo.cn/${id}/132` };
}

describeEachDatabase('wechat-reach: income alerts outside the app', (kind) => {
  let fake: WechatFake;
  let app: TestApp;
  let skuId: number;

  beforeAll(async () => {
    fake = await startWechatFake({ apps: [MP, OA] });
    app = await startTestApp(kind, {
      config: { publicUrl: 'http://127.0.0.1', wechat: { apiBase: fake.url, oauthBase: fake.url, oa: { appid: OA.appid, secret: OA.secret }, mp: { appid: MP.appid, secret: MP.secret } }, wechatReach: REACH },
    });
    const owner = await hqMember(app, 'owner');
    skuId = (await createProduct(app, owner, [{ priceFen: 10_000 }], '普洱')).skus[0]!.id;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const alerts = () => app.services.wechatReach.alerts;

  async function mpMember(): Promise<Member> {
    const user = person();
    const res = await call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, user) } });
    expect(res.status).toBe(200);
    return { id: res.body.member.id, token: res.body.token, inviteCode: res.body.member.inviteCode, phone: '', user };
  }

  async function oaMember(following: boolean): Promise<Member> {
    const user = person();
    fake.setOauthUser(OA.appid, user);
    const start = await app.http.inject({ method: 'GET', url: '/api/auth/wechat/oauth/start' });
    const back = new URL((await fetch(String(start.headers.location), { redirect: 'manual' })).headers.get('location')!);
    const landing = await app.http.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    const ticket = /#fx_ticket=([A-Za-z0-9_-]+)$/.exec(String(landing.headers.location))![1];
    const res = await call(app, 'POST', '/api/auth/ticket', { body: { ticket } });
    expect(res.status).toBe(200);
    fake.setFollowing(OA.appid, user, following);
    return { id: res.body.member.id, token: res.body.token, inviteCode: res.body.member.inviteCode, phone: '', user };
  }

  /** The mini-program asks with wx.requestSubscribeMessage, the member accepts, the answer is reported. */
  async function grant(member: Member, times = 1) {
    for (let i = 0; i < times; i++) {
      const results = fake.acceptSubscription(MP.appid, member.user!, TPL_MP);
      const res = await call(app, 'POST', '/api/me/wechat/subscriptions', { token: member.token, body: { results } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }

  /** A friend registered through the earner's link buys ¥100: the earner's level-1 commission is ¥10.00. */
  async function earn(earner: Member): Promise<number> {
    const buyer = await register(app, { inviteCode: earner.inviteCode });
    const order = await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    await alerts().idle();
    const earning = await app.services.db.selectFrom('commission_earnings').select('id').where('earner_id', '=', earner.id).where('order_id', '=', order.id).executeTakeFirstOrThrow();
    return earning.id;
  }

  const deliveries = (memberId: number) => app.services.db.selectFrom('wechat_alert_deliveries').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
  const subscribeMessagesTo = (m: Member) => fake.subscribeMessages.filter((x) => x.touser === fake.openidOf(MP.appid, m.user!));
  const templateMessagesTo = (m: Member) => fake.templateMessages.filter((x) => x.touser === fake.openidOf(OA.appid, m.user!));
  const remaining = async (m: Member) => (await call(app, 'GET', '/api/me/wechat/alerts', { token: m.token })).body.miniProgram.remaining as number;
  const sweep = () => alerts().sendDue();

  it('a subscribe message is sent once for an earning, after the money committed, under one grant', async () => {
    const earner = await mpMember();
    await grant(earner);
    expect(await remaining(earner)).toBe(1);
    const earningId = await earn(earner);
    const sent = subscribeMessagesTo(earner);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ appid: MP.appid, template_id: TPL_MP, page: 'pages/earnings/index', miniprogram_state: 'formal', lang: 'zh_CN' });
    expect(sent[0]!.data).toMatchObject({ thing1: { value: '一级佣金' }, amount2: { value: '¥10.00' }, thing4: { value: '订单付款后已计入待结算' } });
    expect(sent[0]!.data.time3!.value).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    const rows = await deliveries(earner.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'mp_subscribe', event_key: `commission.earned:${earningId}`, status: 'sent', attempts: 1, grant_taken: true, template_id: TPL_MP });
    expect(await remaining(earner)).toBe(0);
    // the in-app inbox has it as before; a later sweep sends nothing more
    expect((await call(app, 'GET', '/api/me/notifications', { token: earner.token })).body.items[0]).toMatchObject({ kind: 'commission.earned', amountFen: 1_000 });
    app.clock.advanceMs(3_600_000);
    await sweep();
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
    expect(templateMessagesTo(earner)).toHaveLength(0);
  });

  it('a transient failure is retried with backoff (30 s, then 60 s) and the message still goes out once, spending one grant', async () => {
    const earner = await mpMember();
    await grant(earner, 2);
    fake.failNext(SUBSCRIBE, { errcode: -1, errmsg: 'system error' });
    fake.failNext(SUBSCRIBE, { httpStatus: 503 });
    await earn(earner);
    let [row] = await deliveries(earner.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, errcode: -1 });
    expect(row!.next_attempt_at.getTime() - row!.event_at.getTime()).toBe(30_000);
    expect((await sweep()).sent).toBe(0); // not due yet
    app.clock.advanceMs(30_000);
    expect(await sweep()).toMatchObject({ sent: 0, retrying: 1 });
    [row] = await deliveries(earner.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    app.clock.advanceMs(60_000);
    expect(await sweep()).toMatchObject({ sent: 1 });
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
    expect((await deliveries(earner.id))[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await remaining(earner)).toBe(1);
  });

  it('two instances sweeping at once send it once', async () => {
    const earner = await mpMember();
    await grant(earner, 3);
    fake.failNext(SUBSCRIBE, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    await earn(earner);
    expect((await deliveries(earner.id))[0]).toMatchObject({ status: 'pending', errcode: 45009 });
    app.clock.advanceMs(30_000);
    const other = createServices({ db: app.services.db, config: app.services.config, log: app.services.log, clock: app.clock });
    const results = await Promise.all([sweep(), other.wechatReach.alerts.sendDue(), sweep(), other.wechatReach.alerts.sendDue()]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
    expect(await remaining(earner)).toBe(2);
    // the committing instance's own send against both sweeps, from the moment the money committed
    const buyer = await register(app, { inviteCode: earner.inviteCode });
    await buyAndPay(app, buyer, [{ skuId, quantity: 1 }]);
    const raced = await Promise.all([sweep(), other.wechatReach.alerts.sendDue(), alerts().idle()]);
    expect(subscribeMessagesTo(earner)).toHaveLength(2);
    expect((await deliveries(earner.id)).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(raced.length).toBe(3);
    expect(await remaining(earner)).toBe(1);
  });

  it('an answer lost after WeChat sent the message is recorded as unknown and never sent again', async () => {
    const earner = await mpMember();
    await grant(earner, 2);
    fake.failNext(SUBSCRIBE, { dropAfterHandling: true });
    await earn(earner);
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
    expect((await deliveries(earner.id))[0]).toMatchObject({ status: 'unknown', maybe_delivered: true });
    app.clock.advanceMs(3_600_000);
    await sweep();
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
  });

  it('a sender that stopped mid-send leaves its claim; the sweep records it as unknown instead of sending twice', async () => {
    const earner = await mpMember();
    await grant(earner);
    fake.failNext(SUBSCRIBE, { errcode: -1, errmsg: 'system error' });
    await earn(earner);
    const [row] = await deliveries(earner.id);
    await app.services.db.updateTable('wechat_alert_deliveries').set({ status: 'sending', claim_token: 'a-stopped-instance', claimed_until: app.clock.now() }).where('id', '=', row!.id).execute();
    app.clock.advanceMs(60_000);
    expect(await sweep()).toMatchObject({ expiredClaims: 1, sent: 0 });
    expect((await deliveries(earner.id))[0]).toMatchObject({ status: 'unknown', claim_token: null });
    expect(subscribeMessagesTo(earner)).toHaveLength(0);
  });

  it('a refusal (43101: the member turned the subscription off in WeChat) is recorded, not retried, and the grants are void', async () => {
    const earner = await mpMember();
    await grant(earner, 2);
    fake.revokeSubscriptions(MP.appid, earner.user!, TPL_MP);
    const before = fake.calls(SUBSCRIBE);
    await earn(earner);
    expect((await deliveries(earner.id))[0]).toMatchObject({ status: 'refused', errcode: 43101 });
    expect(await remaining(earner)).toBe(0);
    app.clock.advanceMs(3_600_000);
    await sweep();
    expect(fake.calls(SUBSCRIBE) - before).toBe(1);
    // with no grant left, the next earning has no subscribe message to send (the 公众号's, were they linked)
    await earn(earner);
    expect((await deliveries(earner.id)).map((d) => `${d.channel}:${d.status}`)).toEqual(['mp_subscribe:refused', 'oa_template:skipped']);
  });

  it('without a grant, a follower of the 公众号 gets its template message; a non-follower is refused (43004); a member without a 公众号 openid is skipped', async () => {
    const follower = await oaMember(true);
    const earningId = await earn(follower);
    const sent = templateMessagesTo(follower);
    expect(sent).toHaveLength(1);
    const [row] = await deliveries(follower.id);
    expect(sent[0]).toMatchObject({ template_id: TPL_OA, url: 'http://127.0.0.1/me', client_msg_id: `fx-alert-${row!.id}`, data: { thing1: { value: '一级佣金' }, amount2: { value: '¥10.00' } } });
    expect(row).toMatchObject({ channel: 'oa_template', event_key: `commission.earned:${earningId}`, status: 'sent', msgid: sent[0]!.msgid });
    const stranger = await oaMember(false);
    await earn(stranger);
    expect((await deliveries(stranger.id))[0]).toMatchObject({ status: 'refused', errcode: 43004 });
    const phoneOnly = await register(app);
    await earn({ ...phoneOnly });
    expect((await deliveries(phoneOnly.id))[0]).toMatchObject({ channel: 'oa_template', status: 'skipped', error: expect.stringContaining('no openid') });
    const state = await call(app, 'GET', '/api/me/wechat/alerts', { token: follower.token });
    expect(state.body).toEqual({ enabled: true, miniProgram: { templateIds: [TPL_MP], remaining: 0 }, officialAccount: { linked: true } });
  });

  it('a template message whose answer was lost is resent under its client_msg_id inside WeChat’s window: one message', async () => {
    const follower = await oaMember(true);
    fake.failNext(TEMPLATE, { dropAfterHandling: true });
    await earn(follower);
    expect((await deliveries(follower.id))[0]).toMatchObject({ status: 'pending', maybe_delivered: true });
    app.clock.advanceMs(30_000);
    expect(await sweep()).toMatchObject({ sent: 1 });
    expect(templateMessagesTo(follower)).toHaveLength(1);
  });

  it('a member who switches alerts off gets none (the inbox keeps them), also for one already waiting; on again, they come back', async () => {
    const earner = await mpMember();
    await grant(earner, 3);
    fake.failNext(SUBSCRIBE, { errcode: -1, errmsg: 'system error' });
    await earn(earner);
    const off = await call(app, 'PUT', '/api/me/wechat/alerts', { token: earner.token, body: { enabled: false } });
    expect(off.body).toMatchObject({ enabled: false });
    await earn(earner);
    app.clock.advanceMs(30_000);
    await sweep();
    expect((await deliveries(earner.id)).map((d) => d.status)).toEqual(['skipped']); // the waiting one; none for the second
    expect(subscribeMessagesTo(earner)).toHaveLength(0);
    expect((await call(app, 'GET', '/api/me/notifications', { token: earner.token })).body.items).toHaveLength(2);
    await call(app, 'PUT', '/api/me/wechat/alerts', { token: earner.token, body: { enabled: true } });
    await earn(earner);
    expect(subscribeMessagesTo(earner)).toHaveLength(1);
    expect(await remaining(earner)).toBe(2);
  });

  it('reporting subscriptions: only our template, WeChat’s answers, errMsg ignored, a reject changes nothing, at most 50', async () => {
    const m = await mpMember();
    const report = (results: Record<string, string>) => call(app, 'POST', '/api/me/wechat/subscriptions', { token: m.token, body: { results } });
    expect((await report({ otherTemplate: 'accept' })).body.code).toBe('SUBSCRIBE_TEMPLATE_UNKNOWN');
    expect((await report({ [TPL_MP]: 'maybe' })).body.code).toBe('SUBSCRIBE_RESULT_INVALID');
    expect((await report({ errMsg: 'requestSubscribeMessage:ok' })).status).toBe(400);
    expect((await report({ errMsg: 'requestSubscribeMessage:ok', [TPL_MP]: 'reject' })).body.miniProgram.remaining).toBe(0);
    for (let i = 0; i < 51; i++) await report({ [TPL_MP]: 'accept' });
    expect(await remaining(m)).toBe(50);
    expect((await call(app, 'POST', '/api/me/wechat/subscriptions', { body: { results: { [TPL_MP]: 'accept' } } })).status).toBe(401);
    const h5 = await register(app);
    const notLinked = await call(app, 'POST', '/api/me/wechat/subscriptions', { token: h5.token, body: { results: { [TPL_MP]: 'accept' } } });
    expect([notLinked.status, notLinked.body.code]).toEqual([409, 'WECHAT_MP_NOT_LINKED']);
    expect((await call(app, 'PUT', '/api/me/wechat/alerts', { token: m.token, body: { enabled: 'no' } })).status).toBe(400);
  });

  it('one row per earning and channel, whatever publishes it twice', async () => {
    const earner = await mpMember();
    await grant(earner);
    const event = { earningId: 2_000_000_001, earnerId: earner.id, orderId: 1, level: 1, amountFen: 500, at: app.clock.now() };
    const { inTransaction } = await import('../../src/db/database.js');
    await inTransaction(app.services.db, (tx) => alerts().recordInTransaction(tx, [event, event]));
    await inTransaction(app.services.db, (tx) => alerts().recordInTransaction(tx, [event]));
    expect((await deliveries(earner.id)).map((d) => d.event_key)).toEqual(['commission.earned:2000000001']);
  });
});
