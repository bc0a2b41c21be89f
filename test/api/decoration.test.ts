// Shop decoration (装修, issue 17): HQ's owner and operators save banners and the order and visibility
// of the home sections and tiles; a member, finance or a guest cannot. A save names the version it was
// edited from (an older one: 409 DECORATION_STALE) and is audited; bad input, unknown pictures and
// unknown products are refused and change nothing. The shop reads the banners showing now, with an
// ETag that a repeat answers 304.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { pngPicture, upload } from '../support/media.js';

describeEachDatabase('shop decoration', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let operator: RegisteredMember;
  let pictures: number[];
  let productId: number;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    operator = await hqMember(app, 'operator');
    pictures = [];
    for (const [w, h] of [[1200, 480], [900, 360]] as const) {
      const res = await upload(app, owner.token, { data: await pngPicture(w, h), filename: `banner-${w}.png`, contentType: 'image/png' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      pictures.push(res.body.id);
    }
    productId = (await createProduct(app, owner, [{ priceFen: 1990 }], '横幅商品')).id;
  });
  afterAll(async () => app?.close());

  const now = () => app.clock.now().getTime();
  const decoration = (version: number) => ({
    version,
    banners: [
      { mediaId: pictures[0], title: '双十二大促', link: { kind: 'product', productId } },
      // opens in an hour
      { mediaId: pictures[1], title: '新品上市', link: { kind: 'path', path: '/category?c=茶' }, startsAt: new Date(now() + 3_600_000).toISOString(), endsAt: null },
    ],
    sections: [{ key: 'hot', visible: true }, { key: 'entries', visible: true }, { key: 'flash-sale', visible: false }],
    tiles: [{ key: 'coupon-centre', visible: false }, { key: 'loyalty-sign-in', visible: true }],
  });
  const saved = async () => (await call(app, 'GET', '/api/admin/decoration', { token: owner.token })).body;

  it('with nothing saved: version 0, empty lists, and the built-in sections', async () => {
    const shop = await call(app, 'GET', '/api/shop/decoration');
    expect(shop.status).toBe(200);
    expect(shop.body).toEqual({ version: 0, banners: [], sections: [], tiles: [] });
    expect(await saved()).toMatchObject({ version: 0, savedAt: null, builtInSections: ['banners', 'categories', 'entries', 'showcase', 'hot'], banners: [] });
  });

  it('a member, finance, support or a guest cannot save; nothing changes', async () => {
    const member = await register(app);
    for (const token of [member.token, (await hqMember(app, 'finance')).token, (await hqMember(app, 'support')).token]) {
      const res = await call(app, 'PUT', '/api/admin/decoration', { token, body: decoration(0) });
      expect(res.status).toBe(403);
    }
    expect((await call(app, 'GET', '/api/admin/decoration', { token: member.token })).status).toBe(403);
    expect((await call(app, 'PUT', '/api/admin/decoration', { body: decoration(0) })).status).toBe(401);
    expect((await saved()).version).toBe(0);
  });

  it('an operator saves; the save is audited; the shop sees the banners showing now, in order', async () => {
    const res = await call(app, 'PUT', '/api/admin/decoration', { token: operator.token, body: decoration(0) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 1, savedBy: operator.id, sections: decoration(0).sections, tiles: decoration(0).tiles });
    expect(res.body.banners.map((b: { image: { id: number } }) => b.image.id)).toEqual(pictures);
    const [entry] = await app.services.audit.list(app.services.db, { action: 'decoration.update', limit: 5 });
    expect(entry).toMatchObject({ actorId: operator.id, targetType: 'decoration', targetId: '1', before: null });
    expect((entry!.after as { banners: unknown[] }).banners).toHaveLength(2);

    const shop = await call(app, 'GET', '/api/shop/decoration');
    expect(shop.body.version).toBe(1);
    // the second banner's window has not opened
    expect(shop.body.banners).toHaveLength(1);
    expect(shop.body.banners[0]).toMatchObject({ title: '双十二大促', link: { kind: 'product', productId }, image: { id: pictures[0] } });
    expect(shop.body.banners[0].image.medium.url).toMatch(/^\/media\/.+\.webp$/);
    expect(shop.body.sections).toEqual(decoration(0).sections);
    app.clock.advanceMs(3_600_000);
    const later = await call(app, 'GET', '/api/shop/decoration');
    expect(later.body.banners.map((b: { title: string }) => b.title)).toEqual(['双十二大促', '新品上市']);
  });

  it('the shop answer carries an ETag and a short max-age; a repeat with it is a 304', async () => {
    const first = await app.http.inject({ method: 'GET', url: '/api/shop/decoration' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=10');
    const again = await app.http.inject({ method: 'GET', url: '/api/shop/decoration', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const other = await app.http.inject({ method: 'GET', url: '/api/shop/decoration', headers: { 'if-none-match': '"old"' } });
    expect(other.statusCode).toBe(200);
  });

  it('a save edited from an older version is refused (409 DECORATION_STALE) and changes nothing', async () => {
    const stale = await call(app, 'PUT', '/api/admin/decoration', { token: owner.token, body: { ...decoration(0), banners: [] } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'DECORATION_STALE', details: { currentVersion: 1 } });
    const current = await saved();
    expect(current.version).toBe(1);
    expect(current.banners).toHaveLength(2);
    // from the current version it goes through
    const next = await call(app, 'PUT', '/api/admin/decoration', { token: owner.token, body: { ...decoration(1), banners: decoration(1).banners.slice(0, 1) } });
    expect(next.status).toBe(200);
    expect(next.body.version).toBe(2);
  });

  it('bad input is a 4xx with a code and changes nothing', async () => {
    const base = decoration(2);
    const banner = base.banners[0]!;
    const refused: Array<[number, string | null, object]> = [
      [400, null, { ...base, banners: Array.from({ length: 9 }, () => banner) }],
      [400, null, { ...base, sections: [{ key: 'Hot!', visible: true }] }],
      [400, null, { ...base, sections: [{ key: 'hot', visible: true }, { key: 'hot', visible: false }] }],
      [400, null, { ...base, tiles: [{ key: 'a', visible: true }] }],
      [400, null, { ...base, banners: [{ ...banner, link: { kind: 'path', path: '//evil.example/x' } }] }],
      [400, null, { ...base, banners: [{ ...banner, link: { kind: 'path', path: 'https://evil.example/' } }] }],
      [400, null, { ...base, banners: [{ ...banner, link: { kind: 'shop', path: '/x' } }] }],
      [400, null, { ...base, banners: [{ ...banner, title: '  ' }] }],
      [400, null, { ...base, banners: [{ ...banner, startsAt: '2026-12-02T00:00:00Z', endsAt: '2026-12-01T00:00:00Z' }] }],
      [400, null, { ...base, banners: [{ ...banner, startsAt: 'tomorrow' }] }],
      [400, null, { ...base, version: -1 }],
      [422, 'DECORATION_MEDIA_NOT_FOUND', { ...base, banners: [{ ...banner, mediaId: 999_999 }] }],
      [422, 'DECORATION_PRODUCT_NOT_FOUND', { ...base, banners: [{ ...banner, link: { kind: 'product', productId: 999_999 } }] }],
    ];
    for (const [status, code, body] of refused) {
      const res = await call(app, 'PUT', '/api/admin/decoration', { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (code) expect(res.body.code).toBe(code);
      else expect(typeof res.body.code).toBe('string');
    }
    const current = await saved();
    expect(current.version).toBe(2);
    expect(current.banners.map((b: { title: string }) => b.title)).toEqual(['双十二大促']);
  });

  it('a feature section the server has never heard of is kept, hidden ones too', async () => {
    const res = await call(app, 'PUT', '/api/admin/decoration', {
      token: operator.token,
      body: { version: 2, banners: [], sections: [{ key: 'group-buy', visible: true }, { key: 'banners', visible: false }], tiles: [] },
    });
    expect(res.status).toBe(200);
    const shop = await call(app, 'GET', '/api/shop/decoration');
    expect(shop.body).toEqual({ version: 3, banners: [], sections: [{ key: 'group-buy', visible: true }, { key: 'banners', visible: false }], tiles: [] });
  });
});
