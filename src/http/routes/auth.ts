import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, type Auth, type TokenService } from '../auth.js';
import { password, phone } from '../schemas.js';

export function authRoutes(app: FastifyInstance, s: Services, auth: Auth, tokens: TokenService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // keyed on the phone alone: a client can change its address (or a forwarded header) at will,
  // so an address in the key would let one phone be hammered without limit
  const perPhone = (max: number) => ({
    rateLimit: {
      max,
      timeWindow: '1 minute',
      // after body parsing, so the key can include the phone
      hook: 'preHandler' as const,
      keyGenerator: (req: { ip: string; body?: unknown }) => `phone:${(req.body as { phone?: string } | undefined)?.phone ?? req.ip}`,
    },
  });

  r.post('/api/auth/sms-codes', {
    config: perPhone(5),
    schema: { tags: ['auth'], summary: 'Send an SMS verification code', body: z.object({ phone, purpose: z.enum(['register', 'login', 'reset_password']) }) },
  }, async (req) => s.members.requestSmsCode(req.body.phone, req.body.purpose));

  r.post('/api/auth/register', {
    config: perPhone(10),
    schema: {
      tags: ['auth'],
      summary: 'Register with phone, password and SMS code; an invite code binds to the referrer per the binding policy',
      body: z.object({
        phone,
        password,
        smsCode: z.string().regex(/^\d{6}$/),
        nickname: z.string().trim().min(1).max(30).optional(),
        inviteCode: z.string().trim().min(4).max(16).optional(),
        visitorKey: z.string().min(8).max(64).optional(),
      }),
    },
  }, async (req, reply) => {
    const profile = await s.members.register(req.body);
    return reply.status(201).send({ token: await tokens.sign(profile.id), member: profile });
  });

  r.post('/api/auth/login', {
    config: perPhone(10),
    schema: { tags: ['auth'], summary: 'Log in with phone and password', body: z.object({ phone, password: z.string().min(1).max(64) }) },
  }, async (req) => {
    const profile = await s.members.login(req.body.phone, req.body.password);
    return { token: await tokens.sign(profile.id), member: profile };
  });

  r.post('/api/auth/reset-password', {
    config: perPhone(5),
    schema: { tags: ['auth'], summary: 'Reset the password with an SMS code', body: z.object({ phone, smsCode: z.string().regex(/^\d{6}$/), newPassword: password }) },
  }, async (req, reply) => {
    await s.members.resetPassword(req.body.phone, req.body.smsCode, req.body.newPassword);
    return reply.status(204).send();
  });

  r.get('/api/me', { preHandler: auth.authenticate, schema: { tags: ['me'], summary: 'My profile and my referrer' } }, async (req) => {
    const me = member(req);
    const binding = await s.referral.referrerOf(s.db, me.id);
    const referrer = binding ? await s.members.get(s.db, binding.referrerId) : undefined;
    const parties = await s.extensions.partiesOf(s.db, me.id);
    return { ...me, parties, referrer: referrer ? { id: referrer.id, nickname: referrer.nickname, avatarUrl: referrer.avatarUrl, boundAt: binding!.boundAt } : null };
  });

  r.patch('/api/me', {
    preHandler: auth.authenticate,
    schema: { tags: ['me'], summary: 'Update my nickname or avatar', body: z.object({ nickname: z.string().trim().min(1).max(30).optional(), avatarUrl: z.string().url().max(500).nullable().optional() }) },
  }, async (req) => s.members.updateProfile(member(req).id, req.body));
}
