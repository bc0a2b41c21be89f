// Signing in with WeChat: the 公众号 OAuth round trip (a redirect out, a redirect back with a one-time
// ticket in the fragment), the mini-program's code2session, and the phone-number button.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { safeReturnPath } from '../../modules/identity/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { noContent, redirect } from '../responses.js';
import { memberProfileSchema, memberView, signInAnswer, signInSchema } from './auth-answers.js';

const tags = ['auth'];
const attribution = {
  inviteCode: z.string().trim().min(4).max(16).optional(),
  visitorKey: z.string().min(8).max(64).optional(),
};

/** Where WeChat sends the browser back: the configured public address (its host is registered with WeChat). */
function callbackUrl(s: Services, req: FastifyRequest): string {
  const base = s.config.publicUrl ?? `${req.protocol}://${req.host}`;
  return `${base}/api/auth/wechat/oauth/callback`;
}

export function wechatAuthRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/auth/wechat/oauth/start', {
    schema: {
      tags,
      summary: '公众号 sign-in: redirects to WeChat (snsapi_base is silent; snsapi_userinfo asks for the profile); the share code survives the round trip',
      querystring: z.object({ scope: z.enum(['base', 'userinfo']).default('base'), returnTo: z.string().max(500).optional(), invite: attribution.inviteCode, visitorKey: attribution.visitorKey }),
      response: { 302: redirect("To WeChat's authorize page (Location)") },
    },
  }, async (req, reply) => {
    const url = await s.identity.wechat.startOauth({
      scope: req.query.scope === 'userinfo' ? 'snsapi_userinfo' : 'snsapi_base',
      returnTo: req.query.returnTo,
      inviteCode: req.query.invite,
      visitorKey: req.query.visitorKey,
      callbackUrl: callbackUrl(s, req),
    });
    return reply.redirect(url, 302);
  });

  r.get('/api/auth/wechat/oauth/callback', {
    schema: { tags, summary: 'WeChat comes back here; the browser goes on to the page it came from with a one-time ticket in the fragment', querystring: z.object({ code: z.string().max(200).optional(), state: z.string().max(128).optional() }),
      response: { 302: redirect('To the page the sign-in started from, with #fx_ticket=… (or to the shop with #fx_wechat_error=CODE)') },
    },
  }, async (req, reply) => {
    // a person who declines comes back without a code: back to the shop, signed out, told why
    if (!req.query.code || !req.query.state) return reply.redirect('/#fx_wechat_error=WECHAT_LOGIN_DECLINED', 302);
    try {
      const { member: signedIn, returnTo } = await s.identity.wechat.finishOauth(req.query.code, req.query.state);
      const ticket = await s.identity.wechat.issueTicket(signedIn.id);
      return reply.redirect(`${safeReturnPath(returnTo)}#fx_ticket=${ticket}`, 302);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      req.log.warn({ code: error.code }, 'wechat oauth sign-in refused');
      return reply.redirect(`/#fx_wechat_error=${encodeURIComponent(error.code)}`, 302);
    }
  });

  r.post('/api/auth/ticket', {
    schema: { tags, summary: 'Exchange the one-time ticket from a WeChat redirect for a session', body: z.object({ ticket: z.string().min(20).max(100) }), response: { 200: signInSchema } },
  }, async (req) => signInAnswer(s, await s.identity.wechat.redeemTicket(req.body.ticket), req));

  r.post('/api/auth/wechat/mini-program', {
    schema: {
      tags,
      summary: 'Mini-program silent sign-in: the wx.login code (code2session); a new member is bound per the share code or the scanned 小程序码 scene, and a scan counts as a visit of the sharer\'s link',
      body: z.object({ code: z.string().min(1).max(200), scene: z.string().min(1).max(100).optional().describe('decodeURIComponent(query.scene) of a scanned 小程序码 (400 SCENE_INVALID when not ours)'), ...attribution }),
      response: { 200: signInSchema },
    },
  }, async (req) => {
    const profile = await s.wechatReach.entry.signIn(req.body.code, { scene: req.body.scene, inviteCode: req.body.inviteCode, visitorKey: req.body.visitorKey });
    return signInAnswer(s, profile.id, req);
  });

  r.post('/api/me/wechat/phone', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: "Bind the phone from the mini-program's phone-number button (getPhoneNumber code)", body: z.object({ code: z.string().min(1).max(200) }), response: { 200: memberProfileSchema } },
  }, async (req) => memberView(s, await s.identity.wechat.bindMiniProgramPhone(member(req).id, req.body.code)));

  r.post('/api/me/wechat/mini-program', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Link this mini-program login (wx.login code) to my account', body: z.object({ code: z.string().min(1).max(200) }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.identity.wechat.linkMiniProgram(member(req).id, req.body.code);
    return reply.status(204).send();
  });
}
