// Sends one claimed delivery (deliveries.ts) and records how it ended. Only the claimer finishes a row:
// every write below names the claim token, so a row another sender took over is left alone.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { WechatReachConfig } from '../../config-wechat.js';
import type { Clock } from '../../context.js';
import type { Db } from '../../db/database.js';
import { WechatApiError, type SubscribeMessage, type TemplateMessage } from '../identity/index.js';
import { MAX_GRANTS } from './alert-settings.js';
import { MAX_ATTEMPTS, retryDelayMs, TEMPLATE_RESEND_WINDOW_MS, type ClaimedDelivery } from './policy.js';
import { templateData } from './messages.js';
import type { WechatServer } from './mini-codes.js';
import type { DeliveryStatus } from './tables.js';

export type Outcome = 'sent' | 'retrying' | 'refused' | 'failed' | 'unknown' | 'skipped';

/** WeChat's "this person does not take it": no subscription left (43101), not following the 公众号 (43004) */
const REFUSALS = new Set([43101, 43004]);

const MINIPROGRAM_STATE = { release: 'formal', trial: 'trial', develop: 'developer' } as const;

type Ready = { send: () => Promise<string | undefined>; templateId: string };

interface Finish {
  status: DeliveryStatus;
  error?: string | null;
  errcode?: number | null;
  msgid?: string | null;
  nextAttemptAt?: Date;
  maybeDelivered?: boolean;
  /** a spent grant goes back: WeChat did not use the subscription */
  returnGrant?: boolean;
  /** WeChat says the member has no subscription: every grant of the template is void */
  voidGrants?: boolean;
}

export class AlertSender {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly server: WechatServer,
    private readonly reach: () => WechatReachConfig,
    private readonly openidOf: (memberId: number, appid: string) => Promise<string | undefined>,
    private readonly log: Logger,
  ) {}

  async send(row: ClaimedDelivery): Promise<Outcome> {
    let ready: Ready | string;
    try {
      ready = await this.prepare(row);
    } catch (error) {
      return this.failed(row, error, row.template_id);
    }
    // a grant spent on an earlier attempt goes back: this message will not be sent
    if (typeof ready === 'string') return this.finish(row, { status: 'skipped', error: ready, returnGrant: true }, row.template_id);
    try {
      const msgid = await ready.send();
      return this.finish(row, { status: 'sent', msgid: msgid ?? null, error: null, errcode: null }, ready.templateId);
    } catch (error) {
      return this.failed(row, error, ready.templateId);
    }
  }

  /** The message ready to go, or why this delivery is skipped. */
  private async prepare(row: ClaimedDelivery): Promise<Ready | string> {
    const reach = this.reach();
    const alerts = reach.alerts;
    const channel = row.channel === 'mp_subscribe' ? alerts.mp : alerts.oa;
    const app = row.channel === 'mp_subscribe' ? this.server.apps.mp : this.server.apps.oa;
    if (!alerts.enabled) return 'alerts are switched off for the shop (WECHAT_ALERTS)';
    if (!channel || !app) return 'the channel is no longer configured';
    const setting = await this.db.selectFrom('wechat_alert_settings').select('enabled').where('member_id', '=', row.member_id).executeTakeFirst();
    if (setting && !setting.enabled) return 'the member switched alerts off';
    const openid = await this.openidOf(row.member_id, app.appid);
    if (!openid) return row.channel === 'mp_subscribe' ? 'no openid in the mini-program' : 'no openid in the 公众号 (never signed in there)';
    if (row.channel === 'mp_subscribe' && !row.grant_taken && !(await this.takeGrant(row, channel.templateId))) return 'no one-time subscription left';
    const data = templateData(channel.fields, { amountFen: row.amount_fen, level: row.level, orderId: row.order_id, at: row.event_at });
    const { api, accessTokens } = this.server;
    if (row.channel === 'mp_subscribe' && alerts.mp) {
      const message: SubscribeMessage = { touser: openid, template_id: alerts.mp.templateId, page: alerts.mp.page, data, miniprogram_state: MINIPROGRAM_STATE[reach.miniProgram.version], lang: 'zh_CN' };
      return { templateId: message.template_id, send: async () => void (await accessTokens.withToken(app, (token) => api.sendSubscribeMessage(token, message))) };
    }
    const oa = alerts.oa!;
    // WeChat sends one message per openid and client_msg_id within 10 minutes: a resend is not a second one
    const message: TemplateMessage = { touser: openid, template_id: oa.templateId, ...(oa.url ? { url: oa.url } : {}), data, client_msg_id: `fx-alert-${row.id}` };
    return { templateId: message.template_id, send: async () => (await accessTokens.withToken(app, (token) => api.sendTemplateMessage(token, message))).msgid || undefined };
  }

  /** Spends one grant for this delivery, once: a retry of the same delivery does not spend another. */
  private async takeGrant(row: ClaimedDelivery, templateId: string): Promise<boolean> {
    const now = this.clock.now();
    const { rows } = await sql<{ id: number }>`
      with spent as (
        update wechat_subscribe_grants set remaining = remaining - 1, updated_at = ${now}
        where member_id = ${row.member_id} and template_id = ${templateId} and remaining > 0
        returning 1)
      update wechat_alert_deliveries set grant_taken = true, template_id = ${templateId}, updated_at = ${now}
      where id = ${row.id} and claim_token = ${row.claim_token} and exists (select 1 from spent)
      returning id`.execute(this.db);
    if (rows.length === 0) return false;
    row.grant_taken = true;
    return true;
  }

  private async failed(row: ClaimedDelivery, error: unknown, templateId: string | null): Promise<Outcome> {
    const now = this.clock.now();
    if (!(error instanceof WechatApiError)) {
      // ours, not WeChat's (the database, a bug): try again later like a transient failure
      this.log.error({ err: error, delivery: row.id }, 'income alert failed before reaching WeChat');
      return this.retry(row, { errcode: null, error: 'internal error' }, templateId);
    }
    const detail = { errcode: error.errcode || null, error: `${error.path}: ${error.errmsg}`.slice(0, 500) };
    if (REFUSALS.has(error.errcode)) {
      return this.finish(row, { status: 'refused', ...detail, voidGrants: row.channel === 'mp_subscribe' && error.errcode === 43101 }, templateId);
    }
    const maybeDelivered = row.maybe_delivered || error.maybeDelivered;
    if (maybeDelivered && row.channel === 'mp_subscribe') return this.finish(row, { status: 'unknown', ...detail, maybeDelivered }, templateId);
    const transient = error.kind === 'busy' || error.kind === 'unavailable' || error.kind === 'rate_limited' || error.kind === 'token_expired';
    if (!transient) {
      // 40003 openid, 40037 template, 47003 data, 41030 page, 48001 not authorised: settings to fix, not to retry
      this.log.warn({ delivery: row.id, channel: row.channel, errcode: error.errcode, errmsg: error.errmsg }, 'WeChat refused an income alert: check the WECHAT_*_INCOME_* settings');
      return this.finish(row, { status: 'failed', ...detail, returnGrant: true }, templateId);
    }
    const next = new Date(now.getTime() + retryDelayMs(row.attempts));
    if (maybeDelivered && next.getTime() - row.first_attempt_at.getTime() > TEMPLATE_RESEND_WINDOW_MS) {
      return this.finish(row, { status: 'unknown', ...detail, maybeDelivered }, templateId);
    }
    return this.retry(row, { ...detail, maybeDelivered }, templateId, next);
  }

  private retry(row: ClaimedDelivery, detail: { errcode: number | null; error: string; maybeDelivered?: boolean }, templateId: string | null, next?: Date): Promise<Outcome> {
    if (row.attempts >= MAX_ATTEMPTS) return this.finish(row, { status: 'failed', ...detail, returnGrant: !detail.maybeDelivered }, templateId);
    const at = next ?? new Date(this.clock.now().getTime() + retryDelayMs(row.attempts));
    return this.finish(row, { status: 'pending', ...detail, nextAttemptAt: at }, templateId);
  }

  private async finish(row: ClaimedDelivery, f: Finish, templateId: string | null): Promise<Outcome> {
    const now = this.clock.now();
    const returnGrant = Boolean(f.returnGrant && row.grant_taken && templateId);
    const voidGrants = Boolean(f.voidGrants && templateId);
    const { rows } = await sql<{ id: number }>`
      with finished as (
        update wechat_alert_deliveries
        set status = ${f.status}, claim_token = null, claimed_until = null, template_id = ${templateId},
            errcode = ${f.errcode ?? null}, error = ${f.error ?? null}, msgid = coalesce(${f.msgid ?? null}, msgid),
            next_attempt_at = ${f.nextAttemptAt ?? now}, maybe_delivered = maybe_delivered or ${f.maybeDelivered ?? false},
            grant_taken = grant_taken and not ${returnGrant},
            sent_at = ${f.status === 'sent' ? now : null}, updated_at = ${now}
        where id = ${row.id} and claim_token = ${row.claim_token}
        returning id),
      grants as (
        update wechat_subscribe_grants
        set remaining = case when ${voidGrants} then 0 else least(remaining + 1, ${MAX_GRANTS}) end, updated_at = ${now}
        where (${returnGrant} or ${voidGrants}) and member_id = ${row.member_id} and template_id = ${templateId ?? ''} and exists (select 1 from finished)
        returning 1)
      select id from finished`.execute(this.db);
    if (rows.length === 0) {
      // another sender released and took it over (this one was stalled past its claim): its result stands
      this.log.warn({ delivery: row.id }, 'an income alert finished after its claim had expired; the record was left to its new sender');
      return 'unknown';
    }
    return f.status === 'pending' ? 'retrying' : (f.status as Outcome);
  }
}
