// What a sign-in answers: tokens and the member, or (HQ staff with a second factor) a challenge.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MemberProfile } from '../../modules/members/service.js';
import type { Services } from '../../services.js';

export const memberProfileSchema = z.object({
  id: z.number().int(),
  phone: z.string().nullable(),
  nickname: z.string(),
  avatarUrl: z.string().nullable(),
  hqRole: z.enum(['owner', 'operator', 'finance', 'support', 'auditor']).nullable(),
  inviteCode: z.string(),
  distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']),
  distributorSince: z.date().nullable(),
  tierId: z.number().int(),
  groupId: z.number().int().nullable(),
  createdAt: z.date(),
  mustChangePassword: z.boolean(),
  hasPassword: z.boolean(),
  mfaEnabled: z.boolean(),
  wechat: z.array(z.enum(['oa', 'mp'])).describe('WeChat apps this member signs in with: 公众号 (oa), 小程序 (mp)'),
});

export const meProfileSchema = memberProfileSchema.extend({
  parties: z.array(z.unknown()),
  referrer: z.object({ id: z.number().int(), nickname: z.string(), avatarUrl: z.string().nullable(), boundAt: z.date() }).nullable(),
});

export const authResultSchema = z.object({
  token: z.string().describe('access token, 15 minutes'),
  refreshToken: z.string().describe('exchanged at /api/auth/refresh; rotates'),
  expiresInSeconds: z.number().int(),
  member: memberProfileSchema,
});

export const mfaChallengeSchema = z.object({ mfaRequired: z.literal(true), mfaToken: z.string().describe('five minutes, for /api/auth/mfa') });
export const signInSchema = z.union([authResultSchema, mfaChallengeSchema]);

async function accountOf(s: Services, memberId: number) {
  const [flags, mfaEnabled, wechat] = await Promise.all([s.members.accountFlags(s.db, memberId), s.identity.secondFactor.isEnabled(s.db, memberId), s.identity.wechat.identitiesOf(s.db, memberId)]);
  return { ...flags, mfaEnabled, wechat };
}

/** The member as the API shows them to themselves. */
export async function memberView(s: Services, profile: MemberProfile) {
  return { ...profile, ...(await accountOf(s, profile.id)) };
}

/** A new session for a member whose sign-in is complete. */
export async function authAnswer(s: Services, memberId: number, req: FastifyRequest) {
  const tokens = await s.identity.sessions.start(s.db, memberId, req.headers['user-agent'] ?? null);
  return { ...tokens, member: await memberView(s, await s.members.require(s.db, memberId)) };
}

export type SignIn = (profile: MemberProfile, req: FastifyRequest) => Promise<z.infer<typeof signInSchema>>;

/** A first factor passed: HQ staff with a second factor still owe a code; everyone else is in. */
export async function signInAnswer(s: Services, memberId: number, req: FastifyRequest): Promise<z.infer<typeof signInSchema>> {
  if (await s.identity.secondFactor.isEnabled(s.db, memberId)) {
    const { sessionVersion } = await s.members.accountFlags(s.db, memberId);
    return { mfaRequired: true, mfaToken: await s.identity.signer.signMfa(memberId, sessionVersion) };
  }
  return authAnswer(s, memberId, req);
}
