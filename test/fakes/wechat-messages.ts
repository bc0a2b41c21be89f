// The loopback WeChat's server-side sending APIs (served by test/fakes/wechat.ts), as WeChat documents them:
// - POST /wxa/getwxacodeunlimit (wxacode.getUnlimited): the mini-program's token; scene ≤ 32 visible
//   characters of WeChat's set (40169 length, 40129 characters); page without a leading '/' or a query and,
//   unless check_path is false, a page of the released version (41030); env_version release | trial |
//   develop (40097); width clamped to 280–1280. Answers a JPEG (a PNG with is_hyaline), errors as JSON.
// - POST /cgi-bin/message/subscribe/send: the mini-program's token; touser an openid of this app (40003);
//   template_id one of the app's (40037); data exactly the template's keywords, each value within its
//   type's rules (47003 names the field); page a released page (41030); miniprogram_state and lang from
//   WeChat's lists (47003); one one-time subscription of the user spent per message, none left: 43101.
// - POST /cgi-bin/message/template/send: the 公众号's token; touser an openid of this 公众号 (40003) who
//   follows it (43004); template_id (40037) and data (47003) as above; one message per touser and
//   client_msg_id within 10 minutes (a repeat is answered as the first and not sent again).
import crypto from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import QRCode from 'qrcode';

export type FakeAnswer =
  | { status: number; body: unknown }
  | { redirect: string }
  | { status: number; text: string }
  | { status: number; binary: Buffer; contentType: string }
  | { drop: true };

export interface MessagingApp {
  appid: string;
  kind: 'oa' | 'mp';
  /** mp: the pages of the released version (default pages/index/index) */
  releasedPages?: string[];
  /** mp: subscribe templates, id → keywords (thing1, amount2 …) */
  subscribeTemplates?: Record<string, string[]>;
  /** oa: template messages, id → keywords */
  templates?: Record<string, string[]>;
}

export interface SentSubscribeMessage {
  appid: string;
  touser: string;
  template_id: string;
  page?: string;
  miniprogram_state?: string;
  lang?: string;
  data: Record<string, { value: string }>;
}

export interface SentTemplateMessage {
  appid: string;
  touser: string;
  template_id: string;
  url?: string;
  miniprogram?: unknown;
  client_msg_id?: string;
  data: Record<string, { value: string }>;
  msgid: string;
}

export interface DrawnWxacode {
  appid: string;
  scene: string;
  page?: string;
  check_path?: boolean;
  env_version?: string;
  width: number;
}

interface Context {
  apps: Map<string, MessagingApp>;
  now: () => number;
  err: (errcode: number, errmsg: string) => FakeAnswer;
  /** the app of a valid server token, or WeChat's answer for a bad one */
  serverToken: (token: string | null) => { appid: string } | FakeAnswer;
  knowsOpenid: (appid: string, openid: string) => boolean;
}

const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
const DEDUPE_MS = 10 * 60_000;

/** 订阅消息参数值内容限制 (the 公众号's category templates keep the same rules) */
const VALUE_RULES: Record<string, RegExp> = {
  thing: /^[\s\S]{1,20}$/u,
  short_thing: /^[\s\S]{1,5}$/u,
  number: /^\d{1,32}(\.\d+)?$/,
  letter: /^[A-Za-z]{1,32}$/,
  symbol: /^[^\p{L}\p{N}\s]{1,5}$/u,
  character_string: /^[\x21-\x7e]{1,32}$/,
  time: /^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}$/,
  date: /^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/,
  amount: /^[¥￥$€£]\d{1,10}(\.\d{1,2})?元?$/,
  phone_number: /^[\d+-]{1,17}$/,
  car_number: /^[\s\S]{1,8}$/u,
  name: /^([\u4e00-\u9fa5]{1,10}|[A-Za-z ·.]{1,20})$/,
  phrase: /^[\u4e00-\u9fa5]{1,5}$/,
};

function valueProblem(keyword: string, entry: unknown): string | undefined {
  const value = entry && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
  if (typeof value !== 'string' || value === '') return `data.${keyword}.value is empty`;
  const rule = VALUE_RULES[keyword.replace(/\d+$/, '')] ?? /^[\s\S]{1,20}$/u;
  return rule.test(value) ? undefined : `data.${keyword}.value invalid`;
}

function dataProblem(keywords: string[], data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'data is not an object';
  const given = data as Record<string, unknown>;
  for (const k of keywords) {
    const problem = valueProblem(k, given[k]);
    if (problem) return problem;
  }
  const extra = Object.keys(given).find((k) => !keywords.includes(k));
  return extra ? `data.${extra} is not a keyword of the template` : undefined;
}

async function drawCode(text: string, width: number, png: boolean): Promise<Buffer> {
  const canvas = createCanvas(width, width);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, width);
  const qr = await loadImage(await QRCode.toBuffer(text, { margin: 1, width: Math.floor(width * 0.8) }));
  ctx.drawImage(qr, Math.floor(width * 0.1), Math.floor(width * 0.1));
  return png ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg');
}

export function messagingFake(ctx: Context) {
  const subscribeMessages: SentSubscribeMessage[] = [];
  const templateMessages: SentTemplateMessage[] = [];
  const wxacodes: DrawnWxacode[] = [];
  const subscriptions = new Map<string, number>();
  const followers = new Set<string>();
  const clientMsgIds = new Map<string, { msgid: string; at: number }>();
  const isAnswer = (x: unknown): x is FakeAnswer => typeof x === 'object' && x !== null && ('status' in x || 'drop' in x || 'redirect' in x);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

  function appFor(token: string | null, kind: 'oa' | 'mp'): MessagingApp | FakeAnswer {
    const t = ctx.serverToken(token);
    if (isAnswer(t)) return t;
    const app = ctx.apps.get(t.appid)!;
    return app.kind === kind ? app : ctx.err(48001, 'api unauthorized');
  }

  const releasedPage = (app: MessagingApp, page: string) => (app.releasedPages ?? ['pages/index/index']).includes(page);

  async function wxacode(q: URLSearchParams, body: Record<string, unknown> | undefined): Promise<FakeAnswer> {
    const app = appFor(q.get('access_token'), 'mp');
    if (isAnswer(app)) return app;
    if (!body) return ctx.err(47001, 'data format error');
    const scene = body.scene;
    if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) return ctx.err(40169, 'invalid length for scene, or the data is not json string');
    if (!SCENE_CHARS.test(scene)) return ctx.err(40129, 'invalid scene');
    const page = body.page;
    if (page !== undefined && (typeof page !== 'string' || page.startsWith('/') || page.includes('?'))) return ctx.err(41030, 'invalid page');
    if (body.check_path !== undefined && typeof body.check_path !== 'boolean') return ctx.err(40097, 'invalid args');
    if (page !== undefined && body.check_path !== false && !releasedPage(app, page)) return ctx.err(41030, 'invalid page');
    const env = body.env_version;
    if (env !== undefined && env !== 'release' && env !== 'trial' && env !== 'develop') return ctx.err(40097, 'invalid args');
    if (body.width !== undefined && typeof body.width !== 'number') return ctx.err(40097, 'invalid args');
    const width = Math.min(1280, Math.max(280, Math.round(typeof body.width === 'number' ? body.width : 430)));
    wxacodes.push({ appid: app.appid, scene, page: page as string | undefined, check_path: body.check_path as boolean | undefined, env_version: env as string | undefined, width });
    const png = body.is_hyaline === true;
    return { status: 200, binary: await drawCode(`wxacode:${app.appid}:${page ?? ''}:${scene}`, width, png), contentType: png ? 'image/png' : 'image/jpeg' };
  }

  function subscribeSend(q: URLSearchParams, body: Record<string, unknown> | undefined): FakeAnswer {
    const app = appFor(q.get('access_token'), 'mp');
    if (isAnswer(app)) return app;
    if (!body) return ctx.err(47001, 'data format error');
    const touser = str(body.touser);
    if (!touser || !ctx.knowsOpenid(app.appid, touser)) return ctx.err(40003, 'invalid openid');
    const templateId = str(body.template_id);
    const keywords = templateId ? app.subscribeTemplates?.[templateId] : undefined;
    if (!templateId || !keywords) return ctx.err(40037, 'invalid template id');
    if (body.page !== undefined && (typeof body.page !== 'string' || !releasedPage(app, body.page.split('?')[0]!))) return ctx.err(41030, 'invalid page');
    if (body.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(String(body.miniprogram_state))) return ctx.err(47003, 'argument invalid! miniprogram_state');
    if (body.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(String(body.lang))) return ctx.err(47003, 'argument invalid! lang');
    const problem = dataProblem(keywords, body.data);
    if (problem) return ctx.err(47003, `argument invalid! ${problem}`);
    const key = `${app.appid}|${touser}|${templateId}`;
    const left = subscriptions.get(key) ?? 0;
    if (left <= 0) return ctx.err(43101, 'user refuse to accept the msg');
    subscriptions.set(key, left - 1);
    subscribeMessages.push({ appid: app.appid, touser, template_id: templateId, page: body.page as string | undefined, miniprogram_state: body.miniprogram_state as string | undefined, lang: body.lang as string | undefined, data: body.data as SentSubscribeMessage['data'] });
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  }

  function templateSend(q: URLSearchParams, body: Record<string, unknown> | undefined): FakeAnswer {
    const app = appFor(q.get('access_token'), 'oa');
    if (isAnswer(app)) return app;
    if (!body) return ctx.err(47001, 'data format error');
    const touser = str(body.touser);
    if (!touser || !ctx.knowsOpenid(app.appid, touser)) return ctx.err(40003, 'invalid openid');
    if (!followers.has(`${app.appid}|${touser}`)) return ctx.err(43004, 'require subscribe');
    const templateId = str(body.template_id);
    const keywords = templateId ? app.templates?.[templateId] : undefined;
    if (!templateId || !keywords) return ctx.err(40037, 'invalid template_id');
    const problem = dataProblem(keywords, body.data);
    if (problem) return ctx.err(47003, `argument invalid! ${problem}`);
    if (body.url !== undefined && !/^https?:\/\//.test(String(body.url))) return ctx.err(47003, 'argument invalid! url');
    const clientMsgId = str(body.client_msg_id);
    const dedupeKey = clientMsgId ? `${app.appid}|${touser}|${clientMsgId}` : undefined;
    const earlier = dedupeKey ? clientMsgIds.get(dedupeKey) : undefined;
    if (earlier && ctx.now() - earlier.at < DEDUPE_MS) return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid: Number(earlier.msgid) } };
    const msgid = String(crypto.randomInt(1e9, 9e9));
    if (dedupeKey) clientMsgIds.set(dedupeKey, { msgid, at: ctx.now() });
    templateMessages.push({ appid: app.appid, touser, template_id: templateId, url: body.url as string | undefined, miniprogram: body.miniprogram, client_msg_id: clientMsgId, data: body.data as SentTemplateMessage['data'], msgid });
    return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid: Number(msgid) } };
  }

  const post = (handler: (q: URLSearchParams, body: Record<string, unknown> | undefined) => FakeAnswer | Promise<FakeAnswer>) =>
    (method: string, q: URLSearchParams, body: Record<string, unknown> | undefined) => (method === 'POST' ? handler(q, body) : ctx.err(43002, 'require POST method'));

  return {
    routes: {
      '/wxa/getwxacodeunlimit': post(wxacode),
      '/cgi-bin/message/subscribe/send': post(subscribeSend),
      '/cgi-bin/message/template/send': post(templateSend),
    } as Record<string, (method: string, q: URLSearchParams, body: Record<string, unknown> | undefined) => FakeAnswer | Promise<FakeAnswer>>,
    subscribeMessages,
    templateMessages,
    wxacodes,
    /** the user taps 允许 in wx.requestSubscribeMessage: one more message allowed; answers what the mini-program gets */
    acceptSubscription(appid: string, openid: string, templateId: string): Record<string, string> {
      const key = `${appid}|${openid}|${templateId}`;
      subscriptions.set(key, (subscriptions.get(key) ?? 0) + 1);
      return { errMsg: 'requestSubscribeMessage:ok', [templateId]: 'accept' };
    },
    /** the user turns the subscription off in the mini-program's settings: every grant is gone */
    revokeSubscriptions(appid: string, openid: string, templateId: string): void {
      subscriptions.set(`${appid}|${openid}|${templateId}`, 0);
    },
    setFollowing(appid: string, openid: string, following: boolean): void {
      if (following) followers.add(`${appid}|${openid}`);
      else followers.delete(`${appid}|${openid}`);
    },
  };
}

export type MessagingFake = ReturnType<typeof messagingFake>;
