import { createCanvas, loadImage } from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buyAndPay, call, createProduct, hqMember, register, registerChain, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';

// jsqr is CommonJS with a default export
const jsQR = createRequire(import.meta.url)('jsqr') as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

describeEachDatabase('share links, posters, live income alerts, dashboard, exports, refund requests', (kind) => {
  let app: TestApp;
  let owner: RegisteredMember;
  let chain: RegisteredMember[];
  let product: { id: number; skus: Array<{ id: number }> };
  let baseUrl: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    owner = await hqMember(app, 'owner');
    chain = await registerChain(app, 3);
    product = await createProduct(app, owner, [{ priceFen: 12_345 }], '云南普洱茶');
    baseUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => app?.close());

  it('draws a poster whose QR code is the distributor’s share link', async () => {
    const [top] = chain;
    const res = await app.http.inject({ method: 'GET', url: `/api/me/poster.png?productId=${product.id}`, headers: { authorization: `Bearer ${top.token}`, host: 'shop.example.test' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const image = await loadImage(res.rawPayload);
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    const pixels = ctx.getImageData(0, 0, image.width, image.height);
    const qr = jsQR(new Uint8ClampedArray(pixels.data), image.width, image.height);
    expect(qr?.data).toBe(`http://shop.example.test/s/${top.inviteCode}?p=${product.id}`);
    const link = await call(app, 'GET', `/api/me/share-link?productId=${product.id}`, { token: top.token });
    expect(link.body.path).toBe(`/s/${top.inviteCode}?p=${product.id}`);
  });

  it('refuses a poster for someone who is not signed in', async () => {
    expect((await call(app, 'GET', '/api/me/poster.png')).status).toBe(401);
  });

  it('pushes "you earned" to the earner over SSE and keeps it in the inbox', async () => {
    const [top, middle] = chain;
    const buyer = await register(app, { inviteCode: chain[2].inviteCode });
    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/api/me/notifications/stream?access_token=${middle.token}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const received = (async () => {
      let text = '';
      while (!text.includes('event: notification')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    })();
    await buyAndPay(app, buyer, [{ skuId: product.skus[0].id, quantity: 1 }]);
    const text = await received;
    controller.abort();
    const data = JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    // middle is level 2 for this buyer (chain[2] is level 1): 5 % of 12 345 fen
    expect(data).toMatchObject({ kind: 'commission.earned', amountFen: 617, title: '你赚了 ¥6.17' });
    const inbox = await call(app, 'GET', '/api/me/notifications', { token: middle.token });
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.items[0].amountFen).toBe(617);
    expect((await call(app, 'POST', '/api/me/notifications/read', { token: middle.token, body: {} })).status).toBe(204);
    expect((await call(app, 'GET', '/api/me/notifications', { token: middle.token })).body.unread).toBe(0);
    // the top of the chain is level 3 and got its own alert; nobody sees another's inbox
    const topInbox = await call(app, 'GET', '/api/me/notifications', { token: top.token });
    expect(topInbox.body.items.map((n: { amountFen: number }) => n.amountFen)).toEqual([370]);
  });

  it('shows today’s GMV and commission on the dashboard', async () => {
    const dash = await call(app, 'GET', '/api/admin/dashboard', { token: owner.token });
    expect(dash.status).toBe(200);
    expect(dash.body.today.orders).toBe(1);
    expect(dash.body.today.gmvFen).toBe(12_345);
    expect(dash.body.commission.pendingFen).toBe(1234 + 617 + 370);
    expect(dash.body.trend).toHaveLength(30);
    expect(dash.body.trend.at(-1)).toMatchObject({ orders: 1, gmvFen: 12_345 });
    const member = await call(app, 'GET', '/api/admin/dashboard', { token: chain[0].token });
    expect(member.status).toBe(403);
  });

  it('exports members as CSV and XLSX with phones masked for an operator, tiers and groups by name', async () => {
    const operator = await hqMember(app, 'operator');
    const group = await call(app, 'POST', '/api/admin/groups', { token: owner.token, body: { name: '华东团队' } });
    expect(group.status).toBe(201);
    expect((await call(app, 'POST', `/api/admin/members/${chain[0].id}/group`, { token: owner.token, body: { groupId: group.body.id, reason: '分组' } })).status).toBeLessThan(300);
    const grouped = await app.http.inject({ method: 'GET', url: `/api/admin/members/export?format=csv&groupId=${group.body.id}`, headers: { authorization: `Bearer ${operator.token}` } });
    const groupedLines = grouped.rawPayload.toString('utf8').trim().split('\n');
    expect(groupedLines).toHaveLength(2);
    expect(groupedLines[1]).toContain('华东团队');
    expect(groupedLines[1]).toContain(chain[0].inviteCode);
    const csv = await app.http.inject({ method: 'GET', url: '/api/admin/members/export?format=csv&distributorStatus=active', headers: { authorization: `Bearer ${operator.token}` } });
    expect(csv.statusCode).toBe(200);
    const text = csv.rawPayload.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(chain[0].inviteCode);
    expect(text).not.toContain(chain[0].phone);
    expect(text).toContain(`${chain[0].phone.slice(0, 3)}****${chain[0].phone.slice(-4)}`);
    const xlsx = await app.http.inject({ method: 'GET', url: '/api/admin/members/export?format=xlsx', headers: { authorization: `Bearer ${owner.token}` } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('会员')!;
    const phones = sheet.getColumn(3).values.slice(2);
    expect(phones).toContain(chain[0].phone);
  });

  it('turns a buyer’s refund request into a refund once support approves it', async () => {
    const buyer = await register(app, { inviteCode: chain[0].inviteCode });
    const order = await buyAndPay(app, buyer, [{ skuId: product.skus[0].id, quantity: 2 }]);
    const lineId = order.lines[0].id;
    const stranger = await register(app);
    expect((await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, { token: stranger.token, body: { lines: [{ lineId, amountFen: 100 }], reason: '不想要了' } })).status).toBe(404);
    const tooMuch = await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, { token: buyer.token, body: { lines: [{ lineId, amountFen: 24_691 }], reason: '不想要了' } });
    expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_PAID');
    const req = await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, { token: buyer.token, body: { lines: [{ lineId, amountFen: 12_345 }], reason: '不想要了' } });
    expect(req.status).toBe(201);
    const again = await call(app, 'POST', `/api/orders/${order.id}/refund-requests`, { token: buyer.token, body: { lines: [{ lineId, amountFen: 1 }], reason: '再退' } });
    expect(again.body.code).toBe('REFUND_REQUEST_OPEN');
    const support = await hqMember(app, 'support');
    const review = await call(app, 'POST', `/api/admin/refund-requests/${req.body.id}/review`, { token: support.token, body: { approve: true } });
    expect(review.status).toBe(200);
    const after = await call(app, 'GET', `/api/orders/${order.id}`, { token: buyer.token });
    expect(after.body.refundedFen).toBe(12_345);
    expect(after.body.refunds[0].status).toBe('succeeded');
    const twice = await call(app, 'POST', `/api/admin/refund-requests/${req.body.id}/review`, { token: support.token, body: { approve: true } });
    expect(twice.body.code).toBe('REFUND_REQUEST_REVIEWED');
    const earnings = await call(app, 'GET', `/api/admin/commission/earnings?orderId=${order.id}`, { token: owner.token });
    // level 1 earned 10 % of 24 690 = 2469; half the line refunded reverses floor(2469 × 12 345 / 24 690) = 1234
    expect(earnings.body.items).toHaveLength(1);
    expect(earnings.body.items[0]).toMatchObject({ earnerId: chain[0].id, amountFen: 2469, reversedFen: 1234, state: 'pending' });
  });
});
