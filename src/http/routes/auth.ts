// Signing in and out: phone + password, SMS code, the second factor, refresh, and the account's own
// security settings. WeChat's sign-in routes are in wechat-auth.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conflict, unauthorized } from '../../errors.js';
import { parseScene } from '../../modules/wechat-reach/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { noContent } from '../responses.js';
import { password, phone } from '../schemas.js';
import { authAnswer, authResultSchema, meProfileSchema, memberProfileSchema, memberView, signInAnswer, signInSchema, type SignIn } from './auth-answers.js';

const smsCode = z.string().regex(/^\d{6}$/);
const tags = ['auth'];

export function authRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const signIn: SignIn = (profile, req) => signInAnswer(s, profile.id, req);

  r.get('/api/auth/providers', {
    schema: { tags, summary: 'Which ways of signing in this server offers', response: { 200: z.object({ smsLogin: z.boolean(), devSms: z.boolean(), wechatOa: z.boolean(), wechatMiniProgram: z.boolean() }) } },
  }, async () => ({ smsLogin: true, devSms: s.sms.revealsCodes, wechatOa: s.identity.wechat.oaEnabled, wechatMiniProgram: s.identity.wechat.miniProgramEnabled }));

  r.post('/api/auth/sms-codes', {
    schema: {
      tags,
      summary: 'Send an SMS verification code (limits per phone, per address and overall; the code is in the answer only in development)',
      body: z.object({ phone, purpose: z.enum(['register', 'login', 'reset_password']) }),
      response: { 200: z.object({ expiresInSeconds: z.number().int(), devCode: z.string().optional() }) },
    },
  }, async (req) => s.members.requestSmsCode(req.body.phone, req.body.purpose, req.ip));

  r.post('/api/auth/register', {
    schema: {
      tags,
      summary: 'Register with phone, password and SMS code; an invite code binds to the referrer per the binding policy',
      body: z.object({
        phone,
        password,
        smsCode,
        nickname: z.string().trim().min(1).max(30).optional(),
        inviteCode: z.string().trim().min(4).max(16).optional(),
        visitorKey: z.string().min(8).max(64).optional(),
        scene: z.string().min(1).max(100).optional().describe('in the mini-program: the scene of the 小程序码 it was opened from, binding like its invite code'),
      }),
      response: { 201: authResultSchema },
    },
  }, async (req, reply) => {
    const { scene, ...input } = req.body;
    const profile = await s.members.register({ ...input, inviteCode: scene ? parseScene(scene).inviteCode : input.inviteCode });
    return reply.status(201).send(await authAnswer(s, profile.id, req));
  });

  r.post('/api/auth/login', {
    schema: { tags, summary: 'Log in with phone and password (HQ staff with a second factor get an MFA challenge)', body: z.object({ phone, password: z.string().min(1).max(64) }), response: { 200: signInSchema } },
  }, async (req) => signIn(await s.members.login(req.body.phone, req.body.password, req.ip), req));

  r.post('/api/auth/login/sms', {
    schema: { tags, summary: 'Log in with an SMS code (purpose login)', body: z.object({ phone, smsCode }), response: { 200: signInSchema } },
  }, async (req) => signIn(await s.members.loginBySms(req.body.phone, req.body.smsCode, req.ip), req));

  r.post('/api/auth/mfa', {
    schema: {
      tags,
      summary: 'The second step of an HQ sign-in: a TOTP code or a recovery code',
      body: z.object({ mfaToken: z.string().min(10).max(2000), code: z.string().regex(/^\d{6}$/).optional(), recoveryCode: z.string().min(8).max(20).optional() }).refine((b) => Boolean(b.code) !== Boolean(b.recoveryCode), 'give a code or a recovery code'),
      response: { 200: authResultSchema },
    },
  }, async (req) => {
    const challenge = await s.identity.signer.verifyMfa(req.body.mfaToken).catch(() => {
      throw unauthorized('MFA_TOKEN_INVALID', 'the sign-in step expired: log in again');
    });
    // a challenge from before a logout-all, a password reset or a role change is over
    if ((await s.members.accountFlags(s.db, challenge.memberId)).sessionVersion !== challenge.sessionVersion) {
      throw unauthorized('MFA_TOKEN_INVALID', 'the sign-in step expired: log in again');
    }
    await s.identity.secondFactor.verifyForLogin(challenge.memberId, req.body);
    return authAnswer(s, challenge.memberId, req);
  });

  r.post('/api/auth/refresh', {
    schema: { tags, summary: 'A new access token for a refresh token (which rotates: keep the new one)', body: z.object({ refreshToken: z.string().min(20).max(200) }), response: { 200: z.object({ token: z.string(), refreshToken: z.string(), expiresInSeconds: z.number().int() }) } },
  }, async (req) => s.identity.sessions.refresh(req.body.refreshToken));

  r.post('/api/auth/logout', {
    preHandler: auth.authenticate,
    config: { allowPendingPassword: true },
    schema: { tags, summary: 'End this session (a body, if any, is ignored)', body: z.object({}).passthrough().nullish(), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.identity.sessions.revoke(req.sessionId!);
    return reply.status(204).send();
  });

  r.post('/api/auth/logout-all', {
    preHandler: auth.authenticate,
    config: { allowPendingPassword: true },
    schema: { tags, summary: 'End every session of mine, on every device', response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.endSessions(member(req).id);
    return reply.status(204).send();
  });

  r.post('/api/auth/reset-password', {
    schema: { tags, summary: 'Reset the password with an SMS code; every session ends', body: z.object({ phone, smsCode, newPassword: password }), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.members.resetPassword(req.body.phone, req.body.smsCode, req.body.newPassword);
    return reply.status(204).send();
  });

  accountRoutes(app, s, auth);
}

function accountRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pending = { allowPendingPassword: true };

  r.get('/api/me', { preHandler: auth.authenticate, config: pending, schema: { tags: ['me'], summary: 'My profile, my referrer and my account settings', response: { 200: meProfileSchema } } }, async (req) => {
    const me = member(req);
    const binding = await s.referral.referrerOf(s.db, me.id);
    const referrer = binding ? await s.members.get(s.db, binding.referrerId) : undefined;
    const [parties, view] = await Promise.all([s.extensions.partiesOf(s.db, me.id), memberView(s, me)]);
    return { ...view, parties, referrer: referrer ? { id: referrer.id, nickname: referrer.nickname, avatarUrl: referrer.avatarUrl, boundAt: binding!.boundAt } : null };
  });

  r.patch('/api/me', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Update my nickname or avatar (an empty body changes nothing)', body: z.object({ nickname: z.string().trim().min(1).max(30).optional(), avatarUrl: z.string().url().max(500).nullable().optional() }), response: { 200: memberProfileSchema } },
  }, async (req) => memberView(s, await s.members.updateProfile(member(req).id, req.body)));

  r.post('/api/me/password', {
    preHandler: auth.authenticate,
    config: pending,
    schema: { tags: ['me'], summary: 'Set a new password (the current one when there is one); other sessions end, this one continues with new tokens', body: z.object({ currentPassword: z.string().min(1).max(64).optional(), newPassword: password }), response: { 200: authResultSchema } },
  }, async (req) => {
    const me = member(req);
    await s.members.changePassword(me.id, req.body.currentPassword, req.body.newPassword);
    return authAnswer(s, me.id, req);
  });

  r.post('/api/me/mfa/totp/setup', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Start a TOTP second factor: a secret and its QR code for an authenticator app', response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() }) } },
  }, async (req) => s.identity.secondFactor.setup(member(req).id, member(req).phone ?? member(req).nickname));

  r.post('/api/me/mfa/totp/enable', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Turn the second factor on with a first code; the recovery codes are shown this once', body: z.object({ code: z.string().regex(/^\d{6}$/) }), response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) } },
  }, async (req) => ({ recoveryCodes: await s.identity.secondFactor.enable(member(req).id, req.body.code) }));

  r.post('/api/me/mfa/totp/disable', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Turn the second factor off (a current code is needed)', body: z.object({ code: z.string().regex(/^\d{6}$/) }), response: { 204: noContent } },
  }, async (req, reply) => {
    if (s.identity.mfaRequired && member(req).hqRole) throw conflict('MFA_REQUIRED', 'HQ staff must keep a second factor here');
    await s.identity.secondFactor.disable(member(req).id, req.body.code);
    return reply.status(204).send();
  });
}
