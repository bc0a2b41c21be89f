// The buyer's address book on the server (issue 17): add, edit, make default, delete; the first is the
// default and a deleted default passes to the newest; 20 at most, also when two devices add at once;
// another member's address is not found (and stays as it was); bad input is a 400 that changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const address = (n: number) => ({ name: `收件人${n}`, phone: `1391234${String(n).padStart(4, '0')}`, province: '广东省', city: '深圳市', district: '南山区', detail: `科技园 ${n} 号`, regionCode: '440305' });

describeEachDatabase('address book', (kind) => {
  let app: TestApp;
  let buyer: RegisteredMember;
  let other: RegisteredMember;

  beforeAll(async () => {
    app = await startTestApp(kind);
    buyer = await register(app);
    other = await register(app);
  });
  afterAll(async () => app?.close());

  const book = async (m: RegisteredMember) => (await call(app, 'GET', '/api/me/addresses', { token: m.token })).body.items as Array<{ id: number; name: string; isDefault: boolean }>;

  it('the first address is the default; a new default takes over; the default lists first', async () => {
    const first = await call(app, 'POST', '/api/me/addresses', { token: buyer.token, body: address(1) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ ...address(1), isDefault: true });
    const second = await call(app, 'POST', '/api/me/addresses', { token: buyer.token, body: address(2) });
    expect(second.body.isDefault).toBe(false);
    const third = await call(app, 'POST', '/api/me/addresses', { token: buyer.token, body: { ...address(3), isDefault: true } });
    expect(third.body.isDefault).toBe(true);
    expect((await book(buyer)).map((a) => [a.name, a.isDefault])).toEqual([['收件人3', true], ['收件人2', false], ['收件人1', false]]);
    const made = await call(app, 'POST', `/api/me/addresses/${first.body.id}/default`, { token: buyer.token });
    expect(made.body.isDefault).toBe(true);
    expect((await book(buyer)).filter((a) => a.isDefault).map((a) => a.name)).toEqual(['收件人1']);
  });

  it('edits keep the id; deleting the default hands it to the newest left', async () => {
    const items = await book(buyer);
    const byName = (n: string) => items.find((a) => a.name === n)!;
    const edited = await call(app, 'PUT', `/api/me/addresses/${byName('收件人2').id}`, { token: buyer.token, body: { ...address(2), detail: '深南大道 9 号' } });
    expect(edited.body).toMatchObject({ id: byName('收件人2').id, detail: '深南大道 9 号', isDefault: false });
    expect((await call(app, 'DELETE', `/api/me/addresses/${byName('收件人1').id}`, { token: buyer.token })).status).toBe(204);
    expect((await book(buyer)).map((a) => [a.name, a.isDefault])).toEqual([['收件人3', true], ['收件人2', false]]);
  });

  it("another member's address is not found, and stays as it was", async () => {
    const [mine] = await book(buyer);
    for (const [method, path, body] of [
      ['PUT', `/api/me/addresses/${mine!.id}`, address(9)],
      ['POST', `/api/me/addresses/${mine!.id}/default`, undefined],
      ['DELETE', `/api/me/addresses/${mine!.id}`, undefined],
    ] as const) {
      const res = await call(app, method, path, { token: other.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('ADDRESS_NOT_FOUND');
    }
    expect(await book(other)).toEqual([]);
    expect((await book(buyer))[0]).toMatchObject({ id: mine!.id, name: mine!.name, isDefault: true });
    expect((await call(app, 'GET', '/api/me/addresses')).status).toBe(401);
  });

  it('bad input is refused and changes nothing', async () => {
    const before = await book(buyer);
    for (const body of [{ ...address(5), phone: '12345' }, { ...address(5), regionCode: '4403' }, { ...address(5), name: '' }, { ...address(5), detail: 'x'.repeat(121) }]) {
      const res = await call(app, 'POST', '/api/me/addresses', { token: buyer.token, body });
      expect(res.status).toBe(400);
    }
    expect(await book(buyer)).toEqual(before);
  });

  it('holds 20 at most, also when two devices add the last ones at once', async () => {
    const full = await register(app);
    for (let i = 0; i < 18; i++) await call(app, 'POST', '/api/me/addresses', { token: full.token, body: address(100 + i) });
    const racing = await Promise.all([0, 1, 2].map((i) => call(app, 'POST', '/api/me/addresses', { token: full.token, body: address(200 + i) })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 422]);
    expect(racing.find((r) => r.status === 422)!.body.code).toBe('ADDRESS_BOOK_FULL');
    const items = await book(full);
    expect(items.length).toBe(20);
    expect(items.filter((a) => a.isDefault).length).toBe(1);
  });
});
