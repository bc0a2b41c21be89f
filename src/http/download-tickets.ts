// Download tickets: the console downloads a large export natively (an <a download> the browser
// streams straight to disk) instead of fetching it into memory, and a browser navigation cannot send
// the Authorization header. So the console first asks for a ticket for exactly this export — its
// path and its query, checked there against the export's schema and role — and then opens
// `<path>?<query>&ticket=<ticket>`.
//
// A ticket is a JWT (HS256) under a key derived from the server secret (JWT_SECRET) for this use
// only, so it is never an access token nor an access token a ticket. It names the member and the
// session it was asked in (with the session's version), the export's path and its query, and lasts
// DOWNLOAD_TICKET_SECONDS by the wall clock. It is spent on its first use on any instance: its jti is
// counted in the shared limit store (PostgreSQL, or Redis with REDIS_URL). The member is read fresh
// when it is used — session live and current, account enabled, role — as a bearer token would be.
import { hkdfSync, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { forbidden, unauthorized } from '../errors.js';
import type { LimitStore } from '../modules/identity/index.js';

export const DOWNLOAD_TICKET_SECONDS = 60;
/** the query parameter a ticket travels in */
export const TICKET_PARAM = 'ticket';
const ISSUER = 'fenxiao';
const TYP = 'download';
/** a spent ticket is remembered this much longer than it lasts (clocks of instances differ a little) */
const SPENT_MARGIN_MS = 60_000;

/** who asked for the ticket: the member and the session (at its version) */
export interface TicketHolder {
  memberId: number;
  sessionId: number;
  sessionVersion: number;
}

export interface IssuedTicket {
  ticket: string;
  /** the export's path and query with the ticket: what the browser opens */
  url: string;
  expiresInSeconds: number;
}

/**
 * A request URL's query as a ticket binds it: without the ticket parameter, the parameters in name
 * order (a name's values keep their order), form-encoded. Two URLs asking the same have the same.
 */
export function canonicalQuery(url: string): string {
  const at = url.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  params.delete(TICKET_PARAM);
  params.sort();
  return params.toString();
}

/** the ticket parameter of a request URL, if there is one */
export function ticketOf(url: string): string | undefined {
  const at = url.indexOf('?');
  return at < 0 ? undefined : (new URLSearchParams(url.slice(at + 1)).get(TICKET_PARAM) ?? undefined);
}

const positiveInt = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

const invalid = () => unauthorized('DOWNLOAD_TICKET_INVALID', 'this download ticket is not valid: ask for a new one');

export function downloadTickets(deps: { secret: string; limits: LimitStore; ttlSeconds?: number }) {
  const key = new Uint8Array(hkdfSync('sha256', deps.secret, 'fenxiao-download-ticket', 'export-download', 32));
  const ttl = deps.ttlSeconds ?? DOWNLOAD_TICKET_SECONDS;

  /** A ticket for `path` with `query` (canonicalQuery), for the holder. */
  async function issue(holder: TicketHolder, path: string, query: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<IssuedTicket> {
    const ticket = await new SignJWT({ typ: TYP, sid: holder.sessionId, ver: holder.sessionVersion, pth: path, qry: query })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(holder.memberId))
      .setIssuer(ISSUER)
      .setJti(randomUUID())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ttl)
      .sign(key);
    const url = `${path}?${query ? `${query}&` : ''}${TICKET_PARAM}=${encodeURIComponent(ticket)}`;
    return { ticket, url, expiresInSeconds: ttl };
  }

  async function verified(ticket: string, now: Date): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(ticket, key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: now, requiredClaims: ['sub', 'jti', 'exp'] });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthorized('DOWNLOAD_TICKET_EXPIRED', 'this download ticket has expired: ask for a new one');
      throw invalid();
    }
  }

  /**
   * The holder of a ticket presented for `path` with `query`; refused when it is forged, expired, for
   * another export or filter (that does not spend it), or already used on any instance.
   */
  async function redeem(ticket: string, path: string, query: string, now = new Date()): Promise<TicketHolder> {
    const payload = await verified(ticket, now);
    const holder = { memberId: positiveInt(payload.sub), sessionId: positiveInt(payload.sid), sessionVersion: positiveInt(payload.ver) };
    if (payload.typ !== TYP || typeof payload.jti !== 'string' || !holder.memberId || !holder.sessionId || !holder.sessionVersion) throw invalid();
    if (payload.pth !== path || payload.qry !== query) {
      throw forbidden('DOWNLOAD_TICKET_MISMATCH', 'this download ticket is for another export or another filter');
    }
    const spent = await deps.limits.hit(`download-ticket:${payload.jti}`, ttl * 1000 + SPENT_MARGIN_MS, now);
    if (spent.hits > 1) throw unauthorized('DOWNLOAD_TICKET_USED', 'this download ticket was used already: ask for a new one');
    return holder as TicketHolder;
  }

  return { issue, redeem };
}

export type DownloadTickets = ReturnType<typeof downloadTickets>;
