// Sessions: a short-lived access token plus a refresh token that rotates on every use. A session
// ends when it is revoked (logout) or when the member's session version moves (password reset, role
// change, disabling): the version is checked on every request, so both take effect at once.
import type { Clock } from '../../context.js';
import type { Db, Executor } from '../../db/database.js';
import { forbidden, unauthorized } from '../../errors.js';
import { type MemberProfile, profileColumns, toProfile } from '../members/index.js';
import { ACCESS_TOKEN_SECONDS, hashOpaque, newOpaqueSecret, TokenError, type TokenSigner } from './tokens.js';

const REFRESH_TTL_MS = 30 * 24 * 3600_000;
/** a second tab refreshing with the token the first just rotated: not theft, within this grace */
const ROTATION_GRACE_MS = 60_000;

export interface SessionTokens {
  token: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface SignedInMember {
  profile: MemberProfile;
  sessionId: number;
  mustChangePassword: boolean;
}

export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly signer: TokenSigner,
    /** wall time: sessions expire by the real clock, whatever the business clock says */
    private readonly clock: Clock,
  ) {}

  /** Starts a session at the member's current version (read here, so a racing reset wins). */
  async start(ex: Executor, memberId: number, userAgent: string | null): Promise<SessionTokens> {
    const now = this.clock.now();
    const refresh = newOpaqueSecret();
    const row = await ex
      .insertInto('member_sessions')
      .columns(['member_id', 'session_version', 'refresh_hash', 'user_agent', 'created_at', 'expires_at'])
      .expression((eb) =>
        eb
          .selectFrom('members')
          .select((s) => [
            'id',
            'session_version',
            s.val(refresh.hash).as('refresh_hash'),
            s.val(userAgent?.slice(0, 200) ?? null).as('user_agent'),
            s.val(now).as('created_at'),
            s.val(new Date(now.getTime() + REFRESH_TTL_MS)).as('expires_at'),
          ])
          .where('id', '=', memberId)
          .where('disabled_at', 'is', null),
      )
      .returning(['id', 'session_version'])
      .executeTakeFirst();
    if (!row) throw forbidden('ACCOUNT_DISABLED', 'this account is disabled');
    return { token: await this.signer.signAccess({ memberId, sessionId: row.id, sessionVersion: row.session_version }), refreshToken: refresh.value, expiresInSeconds: ACCESS_TOKEN_SECONDS };
  }

  /** Rotates the refresh token; a copied one presented after the grace ends its session. */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const now = this.clock.now();
    const presented = hashOpaque(refreshToken);
    const next = newOpaqueSecret();
    const rotated = await this.db
      .updateTable('member_sessions as s')
      .from('members as m')
      .set({ refresh_hash: next.hash, previous_hash: presented, rotated_at: now })
      .whereRef('m.id', '=', 's.member_id')
      .where('s.refresh_hash', '=', presented)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('m.disabled_at', 'is', null)
      .whereRef('m.session_version', '=', 's.session_version')
      .returning(['s.id', 's.member_id', 's.session_version'])
      .executeTakeFirst();
    if (rotated) {
      await this.db.insertInto('member_session_retired_refresh').values({ refresh_hash: presented, session_id: rotated.id, retired_at: now }).onConflict((oc) => oc.doNothing()).execute();
      const token = await this.signer.signAccess({ memberId: rotated.member_id, sessionId: rotated.id, sessionVersion: rotated.session_version });
      return { token, refreshToken: next.value, expiresInSeconds: ACCESS_TOKEN_SECONDS };
    }
    const superseded = await this.db.selectFrom('member_sessions').select(['id', 'rotated_at', 'revoked_at']).where('previous_hash', '=', presented).executeTakeFirst();
    if (superseded && !superseded.revoked_at && superseded.rotated_at && now.getTime() - superseded.rotated_at.getTime() < ROTATION_GRACE_MS) {
      throw unauthorized('REFRESH_SUPERSEDED', 'this refresh token was just replaced: use the newer one');
    }
    // an old token again, long after or many rotations ago: someone kept a copy, so the session ends
    const retired = await this.db.selectFrom('member_session_retired_refresh').select('session_id').where('refresh_hash', '=', presented).executeTakeFirst();
    if (retired) await this.revoke(retired.session_id);
    throw unauthorized('REFRESH_INVALID', 'sign in again');
  }

  /** The member behind an access token, if its session is live and current. */
  async resolve(token: string): Promise<SignedInMember> {
    let claims;
    try {
      claims = await this.signer.verifyAccess(token);
    } catch (error) {
      throw (error as TokenError).failure === 'expired'
        ? unauthorized('TOKEN_EXPIRED', 'the access token expired: refresh it')
        : unauthorized('TOKEN_INVALID', 'the access token is invalid');
    }
    const row = await this.db
      .selectFrom('members')
      .innerJoin('member_sessions as s', 's.member_id', 'members.id')
      .select([...profileColumns.map((c) => `members.${c}` as const), 'members.session_version', 'members.disabled_at', 'members.must_change_password', 's.revoked_at', 's.session_version as sv'])
      .where('members.id', '=', claims.memberId)
      .where('s.id', '=', claims.sessionId)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled_at || row.sv !== claims.sessionVersion || row.session_version !== claims.sessionVersion) {
      throw unauthorized('SESSION_ENDED', 'this session has ended: sign in again');
    }
    return { profile: toProfile(row), sessionId: claims.sessionId, mustChangePassword: row.must_change_password };
  }

  async revoke(sessionId: number): Promise<void> {
    await this.db.updateTable('member_sessions').set({ revoked_at: this.clock.now() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  }

  /** Every live session of a member ends (the version bump already stops their access tokens). */
  async revokeAll(ex: Executor, memberId: number): Promise<void> {
    await ex.updateTable('member_sessions').set({ revoked_at: this.clock.now() }).where('member_id', '=', memberId).where('revoked_at', 'is', null).execute();
  }
}
