// What the mini-program needs from the server beyond signing in and paying: the member's 小程序码 (the
// poster variant is in engagement.ts), the one-time subscriptions it reports after
// wx.requestSubscribeMessage, and the member's switch for income alerts outside the app.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { file, intOut } from '../responses.js';

const tags = ['wechat'];

const alertStateOut = z.object({
  enabled: z.boolean().describe('income alerts outside the app: the shop sends them and the member has not switched them off'),
  miniProgram: z
    .object({ templateIds: z.array(z.string()).describe('what to pass to wx.requestSubscribeMessage'), remaining: intOut.describe('subscribe messages the member has granted and not yet received') })
    .nullable()
    .describe('null: the shop sends no subscribe messages'),
  officialAccount: z.object({ linked: z.boolean().describe('the member has signed in through the 公众号, so template messages can reach them while they follow it') }).nullable().describe('null: the shop sends no template messages'),
});

/** wx.requestSubscribeMessage's answer as it comes: template id → accept | reject | ban | filter, and its errMsg */
const subscribeResults = z.record(z.string().min(1).max(128), z.string().max(200)).describe('template id → accept | reject | ban | filter; an errMsg key is ignored');

/** A product poster's code opens that product: it must be on sale. */
export async function productOnSale(s: Services, productId: number | undefined) {
  if (!productId) return undefined;
  const p = await s.catalog.get(s.db, productId);
  if (p.status !== 'on_sale') throw notFound('PRODUCT_NOT_FOUND', `product ${productId} does not exist`);
  return p;
}

export function wechatReachRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { codes, alertSettings } = s.wechatReach;

  r.get('/api/me/mini-program-code.png', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: 'My 小程序码 (PNG): wxacode.getUnlimited with my invite code (and the product) as its scene, drawn by WeChat once and cached',
      querystring: z.object({ productId: z.coerce.number().int().positive().optional() }),
      response: { 200: file('The mini-program code', 'image/png') },
    },
  }, async (req, reply) => {
    const me = member(req);
    const product = await productOnSale(s, req.query.productId);
    const png = await codes.pngFor(me.id, { inviteCode: me.inviteCode, productId: product?.id });
    return reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=86400').send(png);
  });

  r.get('/api/me/wechat/alerts', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My income alerts outside the app: switched on or off, subscriptions left, the templates to ask for', response: { 200: alertStateOut } },
  }, async (req) => alertSettings.state(s.db, member(req).id));

  r.put('/api/me/wechat/alerts', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Switch my income alerts outside the app (subscribe and template messages) on or off; the in-app inbox stays', body: z.object({ enabled: z.boolean() }), response: { 200: alertStateOut } },
  }, async (req) => alertSettings.setEnabled(member(req).id, req.body.enabled));

  r.post('/api/me/wechat/subscriptions', {
    preHandler: auth.authenticate,
    schema: {
      tags,
      summary: "Report wx.requestSubscribeMessage's answer: each accepted template allows one more subscribe message (one-time subscriptions)",
      body: z.object({ results: subscribeResults }),
      response: { 200: alertStateOut },
    },
  }, async (req) => alertSettings.recordSubscribeResults(member(req).id, req.body.results));
}
