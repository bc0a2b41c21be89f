// The buyer's side of the WeChat Pay fake, for browsers (no merchant Authorization on these paths):
// - the H5 cashier at h5_url: GET shows the order and 确认支付 (with h5Domains, only when opened from a page
//   of those hosts — WeChat checks the Referer against 商户平台's H5支付域名); the POST pays and sends the
//   buyer to the redirect_url the merchant appended, as WeChat does;
// - the endpoint a test's injected WeixinJSBridge posts getBrandWCPayRequest's params to: WeChat checks
//   paySign (RSA-SHA256 by the merchant key over appId\ntimeStamp\nnonceStr\npackage\n), that prepay_id
//   exists and that appId is the one it was created for, then the buyer pays.
import crypto from 'node:crypto';
import type http from 'node:http';
import type { FakeOrder } from './wechatpay.js';

/** the H5 cashier's path (at wx.tenpay.com, or at the fake with h5CashierOnLoopback) */
export const WECHATPAY_H5_CASHIER = '/cgi-bin/mmpayweb-bin/checkmweb';
const H5_CASHIER_PAY = `${WECHATPAY_H5_CASHIER}/pay`;
/** where a test's WeixinJSBridge posts getBrandWCPayRequest's params (JSON); answers {err_msg} as the bridge's callback gets it */
export const WECHATPAY_JSAPI_BRIDGE = '/fake/jsapi/get-brand-wcpay-request';

export interface BuyerSideContext {
  merchantPublicKeyPem: string;
  h5Domains?: string[];
  orders: Map<string, FakeOrder>;
  /** the buyer paid: the fake marks the order paid and notifies */
  pay(order: FakeOrder): void;
  stateText(order: FakeOrder): string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const httpUrl = (v: string | null | undefined) => {
  try {
    return v && ['http:', 'https:'].includes(new URL(v).protocol) ? v : undefined;
  } catch {
    return undefined;
  }
};

function page(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>微信支付</title></head><body><h1>微信支付</h1>${body}</body></html>`);
}
const errorPage = (res: http.ServerResponse, status: number, code: string, text: string) => page(res, status, `<p id="error" data-code="${esc(code)}">${esc(text)}</p>`);

/** A handler for the buyer's paths; answers false for any other path (the merchant API's). */
export function wechatpayBuyerSide(ctx: BuyerSideContext) {
  const byPrepay = (prepayId: string | null | undefined) => (prepayId ? [...ctx.orders.values()].find((o) => o.prepayId === prepayId) : undefined);

  function h5Cashier(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, q: URLSearchParams, body: string): void {
    if (method === 'GET' && path === WECHATPAY_H5_CASHIER) {
      let from: string | undefined;
      try {
        from = new URL(req.headers.referer ?? '').host;
      } catch {
        from = undefined;
      }
      // WeChat's own words when the Referer is missing or not a configured H5 domain
      if (ctx.h5Domains && (!from || !ctx.h5Domains.includes(from))) return errorPage(res, 403, 'REFERER_INVALID', '商家参数格式有误，请联系商家解决');
      const o = byPrepay(q.get('prepay_id'));
      if (!o || o.kind !== 'h5') return errorPage(res, 404, 'PREPAY_NOT_FOUND', '订单不存在');
      if (o.state !== 'NOTPAY') return page(res, 200, `<p id="state" data-state="${o.state}">${esc(ctx.stateText(o))}</p>`);
      const back = httpUrl(q.get('redirect_url'));
      return page(res, 200, `<p id="description">${esc(o.description)}</p><p id="amount">¥${yuan(o.total)}</p>`
        + `<form method="post" action="${H5_CASHIER_PAY}"><input type="hidden" name="prepay_id" value="${esc(o.prepayId)}">`
        + (back ? `<input type="hidden" name="redirect_url" value="${esc(back)}">` : '')
        + '<button id="pay" type="submit">确认支付</button></form>');
    }
    if (method === 'POST' && path === H5_CASHIER_PAY) {
      const form = new URLSearchParams(body);
      const o = byPrepay(form.get('prepay_id'));
      if (!o || o.kind !== 'h5') return errorPage(res, 404, 'PREPAY_NOT_FOUND', '订单不存在');
      if (o.state !== 'NOTPAY') return errorPage(res, 409, o.state, ctx.stateText(o));
      ctx.pay(o);
      const back = httpUrl(form.get('redirect_url'));
      if (!back) return page(res, 200, '<p id="paid">支付成功</p>');
      res.writeHead(302, { Location: back }).end();
      return;
    }
    errorPage(res, 404, 'NOT_FOUND', '页面不存在');
  }

  function jsapi(body: string): object {
    const failed = (why: string) => ({ err_msg: 'get_brand_wcpay_request:fail', err_desc: why });
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(body);
    } catch {
      return failed('params are not JSON');
    }
    const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
    if (str('signType') !== 'RSA') return failed('signType');
    if (!/^\d{10}$/.test(str('timeStamp')) || !/^[0-9A-Za-z]{1,32}$/.test(str('nonceStr'))) return failed('timeStamp / nonceStr');
    const o = byPrepay(/^prepay_id=(.+)$/.exec(str('package'))?.[1]);
    if (!o || o.kind !== 'jsapi') return failed('prepay_id');
    if (str('appId') !== o.appid) return failed('appId does not match the prepay order');
    let ok = false;
    try {
      ok = crypto.verify('sha256', Buffer.from(`${str('appId')}\n${str('timeStamp')}\n${str('nonceStr')}\n${str('package')}\n`), ctx.merchantPublicKeyPem, Buffer.from(str('paySign'), 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) return failed('paySign');
    if (o.state !== 'NOTPAY') return failed(`the order is ${o.state}`);
    ctx.pay(o);
    return { err_msg: 'get_brand_wcpay_request:ok' };
  }

  return (req: http.IncomingMessage, res: http.ServerResponse, method: string, u: URL, body: string): boolean => {
    if (u.pathname === WECHATPAY_JSAPI_BRIDGE) {
      // the shop's page calls this from its own origin
      const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'content-type' };
      if (method === 'OPTIONS') res.writeHead(204, cors).end();
      else if (method !== 'POST') res.writeHead(405, cors).end();
      else res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(JSON.stringify(jsapi(body)));
      return true;
    }
    if (u.pathname.startsWith(WECHATPAY_H5_CASHIER)) {
      h5Cashier(req, res, method, u.pathname, u.searchParams, body);
      return true;
    }
    return false;
  };
}
