// 砍价 (issue 19): HQ's offer; a member starts a bargain, friends cut it once each and the cuts add up to
// exactly start − floor at the Nth; every refusal has its code and changes nothing; the starter buys at
// the reached price through the normal checkout (an unpaid order holds the bargain, closing it frees
// it), pays through the dev provider, and a refund reverses the commission exactly; the job expires
// what was not bought; a new-members-only offer takes only members who registered after the start,
// and one who registers through the share link is bound to the starter; on PostgreSQL N + 3 helpers
// at once make exactly N cuts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { inTransaction } from '../../src/db/database.js';
import { bargainParticipant } from '../../src/modules/bargains/participant.js';
import { adminOrder, key, me, payDev, refund } from '../support/rules-kit.js';

const HOUR_MS = 3_600_000;
const PRICE = 10_000;

describeEachDatabase('bargains', (kind) => {
  let app: TestApp;
  let operator: RegisteredMember;
  let owner: RegisteredMember;
  let referrer: RegisteredMember;
  let skuId: number;
  let otherSkuId: number;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: { order: { shippingFen: 0 } } });
    operator = await hqMember(app, 'operator');
    owner = await hqMember(app, 'owner');
    referrer = await register(app, { nickname: '推荐人' });
    const product = await createProduct(app, operator, [{ priceFen: PRICE, stock: 100 }, { priceFen: 5_000, stock: 100 }], '砍价商品');
    [skuId, otherSkuId] = product.skus.map((s) => s.id) as [number, number];
  });
  afterAll(async () => app?.close());

  const now = () => app.clock.now();
  const offerBody = (over: Record<string, unknown> = {}) => ({
    skuId,
    floorPriceFen: 1_000,
    helpersNeeded: 5,
    timeLimitHours: 24,
    helperRule: 'anyone',
    startsAt: new Date(now().getTime() - HOUR_MS).toISOString(),
    endsAt: new Date(now().getTime() + 60 * 24 * HOUR_MS).toISOString(),
    stockCap: 10,
    ...over,
  });
  const createOffer = async (over: Record<string, unknown> = {}) => {
    const res = await call(app, 'POST', '/api/admin/bargain-offers', { token: operator.token, body: offerBody(over) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; productId: number; startPriceFen: number; takenCount: number };
  };
  const start = (m: RegisteredMember, offerId: number) => call(app, 'POST', '/api/bargains', { token: m.token, body: { offerId } });
  const help = (m: RegisteredMember, bargainId: number) => call(app, 'POST', `/api/bargains/${bargainId}/help`, { token: m.token });
  const progress = async (bargainId: number, m?: RegisteredMember) => (await call(app, 'GET', `/api/bargains/${bargainId}`, { token: m?.token })).body;
  const checkout = (m: RegisteredMember, bargainId: number, extra: Record<string, unknown> = {}) =>
    call(app, 'POST', '/api/orders', { token: m.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: key('bg'), campaign: { kind: 'bargain', id: bargainId }, ...extra } });
  const offerTaken = async (offerId: number) => (await call(app, 'GET', `/api/bargain-offers/${offerId}`)).body.takenCount as number;

  it('HQ creates an offer (audited); unworkable terms are 422, other roles 403', async () => {
    const offer = await createOffer();
    expect(offer).toMatchObject({ startPriceFen: PRICE, takenCount: 0 });
    const audit = await app.services.db.selectFrom('audit_log').select(['actor_id', 'action']).where('target_type', '=', 'bargain_offer').where('target_id', '=', String(offer.id)).execute();
    expect(audit).toEqual([{ actor_id: operator.id, action: 'bargain.offer_create' }]);
    for (const bad of [{ floorPriceFen: PRICE }, { startPriceFen: PRICE + 1 }, { floorPriceFen: PRICE - 4, helpersNeeded: 5 }, { endsAt: new Date(now().getTime() - 2 * HOUR_MS).toISOString() }]) {
      const res = await call(app, 'POST', '/api/admin/bargain-offers', { token: operator.token, body: offerBody(bad) });
      expect([res.status, res.body.code], JSON.stringify(bad)).toEqual([422, 'BARGAIN_OFFER_INVALID']);
    }
    expect((await call(app, 'POST', '/api/admin/bargain-offers', { token: operator.token, body: offerBody({ helpersNeeded: 101 }) })).status).toBe(400);
    const finance = await hqMember(app, 'finance');
    expect((await call(app, 'POST', '/api/admin/bargain-offers', { token: finance.token, body: offerBody() })).status).toBe(403);
    expect((await call(app, 'GET', '/api/admin/bargain-offers', { token: finance.token })).status).toBe(200);
    const running = await call(app, 'GET', `/api/bargain-offers?productId=${offer.productId}`);
    expect(running.body.items.map((o: { id: number }) => o.id)).toContain(offer.id);
  });

  it('friends cut once each and the cuts add up to exactly start − floor at the Nth helper', async () => {
    const offer = await createOffer();
    const starter = await register(app, { nickname: '发起人甲' });
    const started = await start(starter, offer.id);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: 'open', cutFen: 0, currentPriceFen: PRICE, helpersNeeded: 5, viewer: { isStarter: true, helped: false } });
    const bargainId = started.body.id as number;
    const again = await start(starter, offer.id);
    expect([again.status, again.body.code, again.body.details?.bargainId]).toEqual([409, 'BARGAIN_ALREADY_STARTED', bargainId]);
    expect((await help(starter, bargainId)).body.code).toBe('BARGAIN_SELF_HELP');
    const helpers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => register(app, { nickname: `好友${n}号` })));
    let sum = 0;
    for (const [i, helper] of helpers.slice(0, 5).entries()) {
      const res = await help(helper, bargainId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.cutFen).toBeGreaterThan(0);
      sum += res.body.cutFen as number;
      expect(res.body.bargain).toMatchObject({ cutFen: sum, helpedCount: i + 1, currentPriceFen: PRICE - sum, status: i === 4 ? 'complete' : 'open' });
      if (i === 1) {
        const twice = await help(helper, bargainId);
        expect([twice.status, twice.body.code]).toEqual([409, 'BARGAIN_ALREADY_HELPED']);
      }
    }
    expect(sum).toBe(PRICE - 1_000);
    const sixth = await help(helpers[5]!, bargainId);
    expect([sixth.status, sixth.body.code]).toEqual([409, 'BARGAIN_COMPLETE']);
    // the plan drawn at the start is what the helpers got, in order
    const row = await app.services.db.selectFrom('bargains').select(['cut_plan', 'cut_fen']).where('id', '=', bargainId).executeTakeFirstOrThrow();
    const visitor = await progress(bargainId);
    expect(visitor.helps.map((h: { cutFen: number }) => h.cutFen)).toEqual(row.cut_plan);
    expect(row.cut_fen).toBe(PRICE - 1_000);
    // a visitor sees masked nicknames, no order, and no part in it
    expect(visitor.helps[0].nickname).toBe('好**号');
    expect(visitor).toMatchObject({ starter: { nickname: '发**甲' }, viewer: { isStarter: false, helped: false }, orderId: null, status: 'complete' });
    expect((await progress(bargainId, helpers[0])).viewer).toEqual({ isStarter: false, helped: true });
    expect((await help(helpers[5]!, 999_999)).body.code).toBe('BARGAIN_NOT_FOUND');
    expect((await call(app, 'POST', `/api/bargains/${bargainId}/help`)).status).toBe(401);
    expect((await start(starter, 999_999)).body.code).toBe('BARGAIN_OFFER_NOT_FOUND');
    const mine = await call(app, 'GET', '/api/me/bargains', { token: starter.token });
    expect(mine.body.items.map((b: { id: number; status: string }) => [b.id, b.status])).toEqual([[bargainId, 'complete']]);
  });

  it('the starter buys at the reached price; an unpaid order holds the bargain; a refund reverses commission exactly', async () => {
    const offer = await createOffer({ stockCap: 2 });
    const starter = await register(app, { inviteCode: referrer.inviteCode, nickname: '买家乙' });
    const bargainId = (await start(starter, offer.id)).body.id as number;
    const [h1, h2, stranger] = await Promise.all([1, 2, 3].map(() => register(app)));
    const cut = ((await help(h1!, bargainId)).body.cutFen as number) + ((await help(h2!, bargainId)).body.cutFen as number);
    const reached = PRICE - cut;
    const quote = await call(app, 'POST', '/api/orders/quote', { token: starter.token, body: { items: [{ skuId, quantity: 1 }], campaign: { kind: 'bargain', id: bargainId } } });
    // refused, each with its code, and nothing held
    expect((await checkout(stranger!, bargainId)).body.code).toBe('BARGAIN_NOT_YOURS');
    expect((await checkout(starter, bargainId, { items: [{ skuId, quantity: 2 }] })).body.code).toBe('BARGAIN_QUANTITY_ONE');
    expect((await checkout(starter, bargainId, { items: [{ skuId: otherSkuId, quantity: 1 }] })).body.code).toBe('BARGAIN_QUANTITY_ONE');
    const template = await call(app, 'POST', '/api/admin/coupon-templates', { token: operator.token, body: { name: '立减', kind: 'fixed', offFen: 100, validDays: 7, totalQuantity: 10, perMemberLimit: 1 } });
    const coupon = await call(app, 'POST', `/api/coupon-templates/${template.body.id}/claim`, { token: starter.token, body: {} });
    expect((await checkout(starter, bargainId, { couponId: coupon.body.id })).body.code).toBe('COUPON_NOT_WITH_BARGAIN');
    expect((await checkout(starter, 999_999)).body.code).toBe('BARGAIN_NOT_FOUND');
    // a dealer shop's pricing refuses an unknown shop first: the bargain's own refusal, asked directly
    const dealerShop = inTransaction(app.services.db, (tx) =>
      bargainParticipant().priceCheckout!(tx, { buyerId: starter.id, sharerId: null, now: now(), input: { items: [{ skuId, quantity: 1 }], checkoutKey: 'x', dealerShopId: 1, campaign: { kind: 'bargain', id: bargainId } } }, quote.body),
    );
    await expect(dealerShop).rejects.toMatchObject({ code: 'BARGAIN_NOT_COMBINABLE' });
    expect(await offerTaken(offer.id)).toBe(0);

    expect(quote.body).toMatchObject({ goodsFen: PRICE, discountFen: cut, payableFen: reached });
    const first = await checkout(starter, bargainId);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ payableFen: reached, lines: [{ paidFen: reached, discountFen: cut }] });
    expect(await offerTaken(offer.id)).toBe(1);
    const second = await checkout(starter, bargainId);
    expect([second.status, second.body.code, second.body.details?.orderId]).toEqual([409, 'BARGAIN_ORDER_OPEN', first.body.id]);
    // closing the unpaid order frees the bargain and the offer's unit
    expect((await call(app, 'POST', `/api/orders/${first.body.id}/cancel`, { token: starter.token })).status).toBe(200);
    expect(await offerTaken(offer.id)).toBe(0);
    expect(await progress(bargainId, starter)).toMatchObject({ status: 'open', orderId: null });

    const order = await checkout(starter, bargainId);
    expect(order.status).toBe(201);
    await payDev(app, starter, order.body.id);
    expect(await progress(bargainId, starter)).toMatchObject({ status: 'bought', orderId: order.body.id, orderPriceFen: reached });
    expect((await checkout(starter, bargainId)).body.code).toBe('BARGAIN_ALREADY_BOUGHT');
    expect((await help(stranger!, bargainId)).body.code).toBe('BARGAIN_ENDED');
    const paid = await adminOrder(app, owner.token, order.body.id);
    const earning = paid.earnings.find((e) => e.earnerId === referrer.id)!;
    expect(earning).toMatchObject({ baseFen: reached, amountFen: Math.floor((reached * 1_000) / 10_000), reversedFen: 0 });

    const support = await hqMember(app, 'support');
    const refunded = await refund(app, support, order.body.id, [{ lineId: paid.lines[0]!.id, amountFen: reached }]);
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    const after = await adminOrder(app, owner.token, order.body.id);
    expect(after.earnings.every((e) => e.reversedFen === e.amountFen)).toBe(true);
    expect((await progress(bargainId, starter)).status).toBe('bought');
    const reconciliation = await call(app, 'GET', '/api/admin/reconciliation', { token: owner.token });
    expect(reconciliation.body.ok, JSON.stringify(reconciliation.body.checks.filter((c: { differences: unknown[] }) => c.differences.length))).toBe(true);

    // the offer's stock: a second starter takes the last unit, a third finds it sold out
    const [s2, s3] = await Promise.all([register(app), register(app)]);
    const b2 = (await start(s2!, offer.id)).body.id as number;
    const b3 = (await start(s3!, offer.id)).body.id as number;
    expect((await checkout(s2!, b2)).status).toBe(201);
    expect((await checkout(s3!, b3)).body.code).toBe('BARGAIN_SOLD_OUT');
    expect((await start(await register(app), offer.id)).body.code).toBe('BARGAIN_SOLD_OUT');
  });

  it('only new members may cut a new-members-only bargain; one registering through the link is bound to the starter', async () => {
    const offer = await createOffer({ helperRule: 'new_members' });
    const old = await register(app);
    const starter = await register(app, { nickname: '拉新人' });
    app.clock.advanceMs(1_000);
    const bargainId = (await start(starter, offer.id)).body.id as number;
    const refused = await help(old, bargainId);
    expect([refused.status, refused.body.code]).toEqual([422, 'BARGAIN_NEW_MEMBERS_ONLY']);
    // the share link carries the starter's invite code: registering through it binds, as any share does
    const friend = await register(app, { inviteCode: starter.inviteCode });
    expect((await help(friend, bargainId)).status).toBe(200);
    expect((await me(app, friend)).referrer?.id).toBe(starter.id);
    expect((await progress(bargainId)).helpedCount).toBe(1);
  });

  it('past the time limit nothing more is cut or bought; the job expires what no order holds', async () => {
    const offer = await createOffer({ timeLimitHours: 2 });
    const [idle, holder, other] = await Promise.all([register(app), register(app), register(app)]);
    const idleId = (await start(idle!, offer.id)).body.id as number;
    const holderId = (await start(holder!, offer.id)).body.id as number;
    const held = await checkout(holder!, holderId);
    expect(held.status).toBe(201);
    app.clock.advanceMs(2 * HOUR_MS + 1);
    expect((await help(other!, idleId)).body.code).toBe('BARGAIN_EXPIRED');
    expect((await checkout(idle!, idleId)).body.code).toBe('BARGAIN_EXPIRED');
    expect((await progress(idleId)).status).toBe('expired');
    const job = app.services.extensions.jobs.find((j) => j.name === 'bargains.expire')!;
    expect(await job.run()).toMatchObject({ expired: expect.any(Number) });
    const statusOf = async (id: number) => (await app.services.db.selectFrom('bargains').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await statusOf(idleId)).toBe('expired');
    // the unpaid order still holds its bargain; closing it expires it and gives the unit back
    expect(await statusOf(holderId)).toBe('open');
    expect((await call(app, 'POST', `/api/orders/${held.body.id}/cancel`, { token: holder!.token })).status).toBe(200);
    expect(await statusOf(holderId)).toBe('expired');
    expect(await offerTaken(offer.id)).toBe(0);
    // a new bargain may start once the old one is over
    expect((await start(idle!, offer.id)).status).toBe(201);
  });

  it.runIf(kind === 'postgres')('N + 3 helpers at once make exactly N cuts, adding up exactly', async () => {
    const offer = await createOffer({ helpersNeeded: 5 });
    const starter = await register(app);
    const bargainId = (await start(starter, offer.id)).body.id as number;
    const helpers = await Promise.all(Array.from({ length: 8 }, () => register(app)));
    const results = await Promise.all(helpers.map((h) => help(h, bargainId)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBe(5);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(['BARGAIN_COMPLETE', 'BARGAIN_COMPLETE', 'BARGAIN_COMPLETE']);
    expect(ok.reduce((s, r) => s + (r.body.cutFen as number), 0)).toBe(PRICE - 1_000);
    expect(await progress(bargainId)).toMatchObject({ cutFen: PRICE - 1_000, helpedCount: 5, status: 'complete' });
  });
});
