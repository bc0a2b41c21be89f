// What a sign-in answers: tokens and the member, or (HQ staff with a second factor) a challenge.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MemberProfile } from '../../modules/members/index.js';
import type { Services } from '../../services.js';
import { dateTime, intOut, memberViewOut } from '../responses.js';

/** The member as the API shows them to themselves (the shared view in responses.ts). */
export const memberProfileSchema = memberViewOut;

export const meProfileSchema = memberProfileSchema.extend({
  parties: z.array(z.object({ kind: z.string().describe('supplier, dealer, agent, store…'), id: intOut, name: z.string() })).describe('the parties this member acts for: their console pages'),
  referrer: z.object({ id: intOut, nickname: z.string(), avatarUrl: z.string().nullable(), boundAt: dateTime }).nullable(),
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
