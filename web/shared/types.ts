// The API's shapes for both web apps: generated from /openapi.json where the route has a response
// schema (api-types.ts through ResponseOf), hand-written in legacy-types.ts where it has none yet.
import type { ResponseOf } from './api';
import type { Party } from './legacy-types';

export type * from './legacy-types';
export type { ShippingAddress } from './address';

// --- sign-in (every sign-in answers AuthResult; store it with setSession) ---
export type AuthProviders = ResponseOf<'/api/auth/providers'>;
/** An answer to the password, SMS code or WeChat sign-in: a session, or (HQ staff with TOTP) the second step's token. */
export type SignInAnswer = ResponseOf<'/api/auth/login', 'post'>;
/** What every completed sign-in answers: an access token (15 min), the refresh token that renews it, the member. */
export type AuthResult = ResponseOf<'/api/auth/mfa', 'post'>;
export type MfaChallenge = Extract<SignInAnswer, { mfaRequired: true }>;
export type MemberProfile = AuthResult['member'];
/** GET /api/me: the profile, the referrer and the parties the member acts for. */
export type MeProfile = ResponseOf<'/api/me'>;
export type TotpSetup = ResponseOf<'/api/me/mfa/totp/setup', 'post'>;

/** The console's signed-in member: a sign-in's member (while /api/me waits on a security step) or /api/me's answer. */
export type ConsoleMe = MemberProfile & Partial<Pick<MeProfile, 'referrer'>> & { parties?: Party[] };
