// Opening the mini-program from a scanned poster binds, exactly as a share link does: the scene WeChat
// put in the 小程序码 comes back at silent login (code2session) or at registration; a new member is
// registered through its invite code, and the scan is a visit of the sharer's link, so the binding rules
// decide for a member who was already there (first_visit here: an unbound member binds on a visit).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_WECHAT_REACH } from '../../src/config-wechat.js';
import { startWechatFake, type WechatFake, type WechatFakeUser } from '../fakes/wechat.js';
import { call, createProduct, hqMember, nextPhone, register } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const MP = { appid: 'wx3b55555555555555', secret: 'mp-secret-7a8b9c0d1e', kind: 'mp' as const };

function person(): WechatFakeUser {
  const id = randomBytes(8).toString('hex');
  return { unionid: `oUnion_${id}`, nickname: `扫码人${id.slice(0, 4)}`, avatarUrl: `https://thirdwx.qlogo.cn/${id}/132` };
}

describeEachDatabase('wechat-reach: a scanned 小程序码 binds', (kind) => {
  let fake: WechatFake;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startWechatFake({ apps: [MP] });
    app = await startTestApp(kind, {
      rules: { binding: { trigger: 'first_visit' } },
      config: { wechat: { apiBase: fake.url, oauthBase: fake.url, mp: { appid: MP.appid, secret: MP.secret } }, wechatReach: DEFAULT_WECHAT_REACH },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  /** The mini-program's silent login, opened with this scene (as decodeURIComponent(query.scene) gives it). */
  async function openWith(user: WechatFakeUser, extra: Record<string, string> = {}) {
    return call(app, 'POST', '/api/auth/wechat/mini-program', { body: { code: fake.issueLoginCode(MP.appid, user), ...extra } });
  }

  const referrerOf = async (token: string) => (await call(app, 'GET', '/api/me', { token })).body.referrer;

  /** The scene on the inviter's mini-program poster, as WeChat was asked to draw it. */
  async function posterScene(token: string, productId?: number): Promise<string> {
    const res = await app.http.inject({ method: 'GET', url: `/api/me/poster.png?target=mini-program${productId ? `&productId=${productId}` : ''}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    return fake.wxacodes.at(-1)!.scene;
  }

  it('a scanned poster’s scene binds the new member to the poster’s owner', async () => {
    const inviter = await register(app, { nickname: '海报主' });
    const scene = await posterScene(inviter.token);
    expect(scene).toBe(`i=${inviter.inviteCode}`);
    const res = await openWith(person(), { scene });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.member).toMatchObject({ phone: null, wechat: ['mp'] });
    expect(await referrerOf(res.body.token)).toMatchObject({ id: inviter.id, nickname: '海报主' });
    const history = await app.services.db.selectFrom('referral_binding_history').select(['new_referrer_id', 'source']).where('member_id', '=', res.body.member.id).execute();
    expect(history).toEqual([{ new_referrer_id: inviter.id, source: 'registration' }]);
    // the scan is a visit of the inviter's link, claimed by the new member (the funnel counts it)
    const visits = await app.services.db.selectFrom('referral_visits').select(['referrer_id', 'member_id']).where('member_id', '=', res.body.member.id).execute();
    expect(visits).toEqual([{ referrer_id: inviter.id, member_id: res.body.member.id }]);
  });

  it('a product poster’s scene binds as well', async () => {
    const owner = await hqMember(app, 'owner');
    const product = await createProduct(app, owner, [{ priceFen: 1_000 }]);
    const inviter = await register(app);
    const scene = await posterScene(inviter.token, product.id);
    expect(scene).toBe(`i=${inviter.inviteCode}&p=${product.id}`);
    const res = await openWith(person(), { scene });
    expect(await referrerOf(res.body.token)).toMatchObject({ id: inviter.id });
  });

  it('a member who was there unbound is bound by the scan (first_visit), and a bound one keeps their referrer (permanent)', async () => {
    const first = await register(app);
    const second = await register(app);
    const user = person();
    const unbound = await openWith(user);
    expect(await referrerOf(unbound.body.token)).toBeNull();
    const scanned = await openWith(user, { scene: `i=${first.inviteCode}` });
    expect(scanned.body.member.id).toBe(unbound.body.member.id);
    expect(await referrerOf(scanned.body.token)).toMatchObject({ id: first.id });
    const again = await openWith(user, { scene: `i=${second.inviteCode}` });
    expect(await referrerOf(again.body.token)).toMatchObject({ id: first.id });
  });

  it('registering with a phone inside the mini-program takes the scene too', async () => {
    const inviter = await register(app);
    const phone = nextPhone();
    const sms = await call(app, 'POST', '/api/auth/sms-codes', { body: { phone, purpose: 'register' } });
    const res = await call(app, 'POST', '/api/auth/register', { body: { phone, password: 'secret-pass-1', smsCode: sms.body.devCode, scene: `i=${inviter.inviteCode}` } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await referrerOf(res.body.token)).toMatchObject({ id: inviter.id });
  });

  it('a scene that is not ours is 400 SCENE_INVALID; a poster of a code that no longer exists still opens the shop', async () => {
    for (const scene of ['x=1', 'i=AB', `i=ABCDEFGH&q=1`, 'i=ABCDEFGH&p=0', '中文', 'i=ABCDEFGH&i=ABCDEFGH', 'a'.repeat(33)]) {
      const res = await openWith(person(), { scene });
      expect(res.status, scene).toBe(400);
      expect(res.body.code).toBe('SCENE_INVALID');
    }
    const res = await openWith(person(), { scene: 'i=ZZZZ9999' });
    expect(res.status).toBe(200);
    expect(await referrerOf(res.body.token)).toBeNull();
  });

  it('a bare invite code as the scene (a code drawn by hand in WeChat’s console) binds too', async () => {
    const inviter = await register(app);
    const res = await openWith(person(), { scene: inviter.inviteCode.toLowerCase() });
    expect(await referrerOf(res.body.token)).toMatchObject({ id: inviter.id });
  });
});
