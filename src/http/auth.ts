// Bearer access tokens (15 minutes) name a member and a session; the session and the member's session
// version are checked on every request, so logout, a password reset, a role change or disabling
// ends access at once. Roles are read fresh from the database each time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HqRole, MemberProfile } from '../modules/members/index.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Identity } from '../modules/identity/index.js';
import type { Db } from '../db/database.js';
import { maskPhone } from '../privacy.js';

/** EventSource cannot send headers: only this stream may carry the token in its query. */
export const QUERY_TOKEN_ROUTES = new Set(['/api/me/notifications/stream']);

declare module 'fastify' {
  interface FastifyRequest {
    member: MemberProfile | null;
    sessionId: number | null;
    rawBody?: string;
  }
  interface FastifyContextConfig {
    /** the route is open to a member who must still change a one-time password */
    allowPendingPassword?: boolean;
  }
}

export const ALL_HQ_ROLES: HqRole[] = ['owner', 'operator', 'finance', 'support', 'auditor'];

/** Roles that may see personal data whole in HQ lists; everyone else sees it masked. */
export const ROLES_SEEING_PERSONAL_DATA: HqRole[] = ['owner', 'support'];

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  if (!QUERY_TOKEN_ROUTES.has(request.routeOptions.url ?? '')) return undefined;
  const queryToken = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof queryToken === 'string' ? queryToken : undefined;
}

export function createAuth(identity: Identity, db: Db) {
  async function resolve(request: FastifyRequest): Promise<MemberProfile | null> {
    const token = bearerOf(request);
    if (!token) return null;
    return resolveToken(request, token);
  }

  async function resolveToken(request: FastifyRequest, token: string): Promise<MemberProfile> {
    const signedIn = await identity.sessions.resolve(token);
    request.sessionId = signedIn.sessionId;
    if (signedIn.mustChangePassword && !request.routeOptions.config.allowPendingPassword) {
      throw forbidden('PASSWORD_CHANGE_REQUIRED', 'set a new password first');
    }
    return signedIn.profile;
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

  /** preHandler factory: an HQ member with one of these roles (and, where required, a second factor). */
  function requireRoles(...roles: HqRole[]) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      await authenticate(request, reply);
      await admitRoles(request, roles);
    };
  }

  /** requireRoles' check of the member signed in: one of these roles (and, where required, a second factor). */
  async function admitRoles(request: FastifyRequest, roles: HqRole[]) {
    const role = request.member!.hqRole;
    if (!role || !roles.includes(role)) throw forbidden('ROLE_FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    if (identity.mfaRequired && !(await identity.secondFactor.isEnabled(db, request.member!.id))) {
      throw forbidden('MFA_ENROLMENT_REQUIRED', 'HQ staff must turn on a second factor (账号安全) first');
    }
  }

  /**
   * requireRoles for a member the request names some other way than its Authorization header (a
   * download ticket, download-tickets.ts): `token` is an access token the server made from it. The
   * same checks, read fresh: the session live and current, the account enabled, the role.
   */
  async function requireRolesWithToken(request: FastifyRequest, token: string, roles: HqRole[]) {
    request.member = await resolveToken(request, token);
    await admitRoles(request, roles);
  }

  /** preHandler: an active distributor. */
  async function requireDistributor(request: FastifyRequest, reply: FastifyReply) {
    await authenticate(request, reply);
    if (request.member!.distributorStatus !== 'active') throw forbidden('NOT_A_DISTRIBUTOR', 'this is for distributors');
  }

  return { authenticate, optionalAuth, requireRoles, requireRolesWithToken, requireDistributor };
}

export type Auth = ReturnType<typeof createAuth>;

export function member(request: FastifyRequest): MemberProfile {
  if (!request.member) throw unauthorized('AUTH_REQUIRED', 'sign in first');
  return request.member;
}

/** How this HQ viewer sees phones in lists: whole for roles that may, masked otherwise; none stays none. */
export function phoneViewFor(request: FastifyRequest): (phone: string | null) => string | null {
  const whole = ROLES_SEEING_PERSONAL_DATA.includes(member(request).hqRole!);
  return (phone) => (phone === null ? null : whole ? phone : maskPhone(phone));
}
