// What the buyer adds at checkout (issue 17): a note for the merchant and an invoice request, kept on
// the order and shown to the buyer and to HQ; a company invoice needs its taxpayer number; bad input
// is a 400 that places no order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, createProduct, hqMember, register, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

const ADDRESS = { name: '李四', phone: '13612345679', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 2 号', regionCode: '440305' };

describeEachDatabase('buyer note and invoice', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let buyer: RegisteredMember;
  let skuId: number;
  let n = 0;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    buyer = await register(app);
    skuId = (await createProduct(app, owner, [{ priceFen: 5_000 }])).skus[0]!.id;
  });
  afterAll(async () => app?.close());

  const checkout = (extra: object) => call(app, 'POST', '/api/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 1 }], checkoutKey: `notes-${kind}-${++n}`, shippingAddress: ADDRESS, ...extra } });

  it('keeps the note and a company invoice on the order, for the buyer and for HQ', async () => {
    const invoice = { kind: 'company', title: '深圳市某某科技有限公司', taxNo: '91440300MA5FXXXX1K' };
    const placed = await checkout({ buyerNote: '  请周末送货，谢谢  ', invoice });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body).toMatchObject({ buyerNote: '请周末送货，谢谢', invoice });
    expect((await call(app, 'GET', `/api/orders/${placed.body.id}`, { token: buyer.token })).body).toMatchObject({ buyerNote: '请周末送货，谢谢', invoice });
    expect((await call(app, 'GET', `/api/admin/orders/${placed.body.id}`, { token: owner.token })).body).toMatchObject({ buyerNote: '请周末送货，谢谢', invoice });
    const plain = await checkout({});
    expect(plain.body).toMatchObject({ buyerNote: null, invoice: null });
    const personal = await checkout({ invoice: { kind: 'personal', title: '李四' } });
    expect(personal.body.invoice).toEqual({ kind: 'personal', title: '李四' });
  });

  it('refuses a note over 200 characters, a company invoice without a valid taxpayer number, and places nothing', async () => {
    const before = (await call(app, 'GET', '/api/orders?limit=100', { token: buyer.token })).body.items.length;
    for (const extra of [{ buyerNote: '长'.repeat(201) }, { invoice: { kind: 'company', title: '某公司' } }, { invoice: { kind: 'company', title: '某公司', taxNo: 'abc' } }, { invoice: { kind: 'vat', title: 'x' } }]) {
      const res = await checkout(extra);
      expect(res.status, JSON.stringify(extra)).toBe(400);
    }
    expect((await call(app, 'GET', '/api/orders?limit=100', { token: buyer.token })).body.items.length).toBe(before);
  });
});
