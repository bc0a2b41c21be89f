// Bearer tokens (HS256 JWT via jose) carry only the member id; roles are read fresh from the
// database on every request, so a revoked role stops working at once.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import type { HqRole } from '../db/schema.js';
import { forbidden, unauthorized } from '../errors.js';
import type { MemberProfile, MembersService } from '../modules/members/service.js';
import type { Db } from '../db/database.js';

const TOKEN_TTL = '7d';
const ISSUER = 'fenxiao';

declare module 'fastify' {
  interface FastifyRequest {
    member: MemberProfile | null;
    rawBody?: string;
  }
}

export class TokenService {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }
  sign(memberId: number): Promise<string> {
    return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(memberId)).setIssuer(ISSUER).setIssuedAt().setExpirationTime(TOKEN_TTL).sign(this.key);
  }
  async verify(token: string): Promise<number> {
    const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
    const id = Number(payload.sub);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error('bad subject');
    return id;
  }
}

export const ALL_HQ_ROLES: HqRole[] = ['owner', 'operator', 'finance', 'support', 'auditor'];

/** Roles that may see personal data whole in HQ lists; everyone else sees it masked. */
export const ROLES_SEEING_PERSONAL_DATA: HqRole[] = ['owner', 'support'];

export function createAuth(tokens: TokenService, members: MembersService, db: Db) {
  async function resolve(request: FastifyRequest): Promise<MemberProfile | null> {
    const header = request.headers.authorization;
    // EventSource cannot send headers: the SSE stream may pass the token as ?access_token=
    const queryToken = (request.query as Record<string, unknown> | undefined)?.access_token;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : typeof queryToken === 'string' ? queryToken : undefined;
    if (!token) return null;
    let memberId: number;
    try {
      memberId = await tokens.verify(token);
    } catch {
      throw unauthorized('TOKEN_INVALID', 'the access token is invalid or expired');
    }
    const member = await members.get(db, memberId);
    if (!member) throw unauthorized('TOKEN_INVALID', 'the access token is invalid or expired');
    return member;
  }

  /** preHandler: a signed-in member is required. */
  async function authenticate(request: FastifyRequest, _reply: FastifyReply) {
    request.member = await resolve(request);
    if (!request.member) throw unauthorized('AUTH_REQUIRED', 'sign in first');
  }

  /** preHandler: signs in when a valid token is present; an expired or bad one counts as anonymous. */
  async function optionalAuth(request: FastifyRequest, _reply: FastifyReply) {
    request.member = await resolve(request).catch(() => null);
  }

  /** preHandler factory: an HQ member with one of these roles. */
  function requireRoles(...roles: HqRole[]) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      await authenticate(request, reply);
      const role = request.member!.hqRole;
      if (!role || !roles.includes(role)) throw forbidden('ROLE_FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    };
  }

  /** preHandler: an active distributor. */
  async function requireDistributor(request: FastifyRequest, reply: FastifyReply) {
    await authenticate(request, reply);
    if (request.member!.distributorStatus !== 'active') throw forbidden('NOT_A_DISTRIBUTOR', 'this is for distributors');
  }

  return { authenticate, optionalAuth, requireRoles, requireDistributor };
}

export type Auth = ReturnType<typeof createAuth>;

export function member(request: FastifyRequest): MemberProfile {
  if (!request.member) throw unauthorized('AUTH_REQUIRED', 'sign in first');
  return request.member;
}
