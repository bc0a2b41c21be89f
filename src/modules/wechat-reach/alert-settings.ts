// A member's income alerts outside the app: the switch (on unless switched off) and the one-time
// subscriptions the mini-program reports after wx.requestSubscribeMessage. WeChat's one-time
// subscription allows one message per accept, and accepts add up; so does a grant here (to 50).
import { sql } from 'kysely';
import type { WechatReachConfig } from '../../config-wechat.js';
import type { Clock } from '../../context.js';
import type { Db, Executor } from '../../db/database.js';
import { badRequest, conflict } from '../../errors.js';

export const MAX_GRANTS = 50;

/** what wx.requestSubscribeMessage answers per template id (its errMsg key aside) */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number];

export interface AlertState {
  enabled: boolean;
  miniProgram: { templateIds: string[]; remaining: number } | null;
  officialAccount: { linked: boolean } | null;
}

export class AlertSettings {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: () => WechatReachConfig['alerts'],
    /** the WeChat apps the member signed in through (an openid there), from identity */
    private readonly linkedApps: (ex: Executor, memberId: number) => Promise<Array<'oa' | 'mp'>>,
  ) {}

  async state(ex: Executor, memberId: number): Promise<AlertState> {
    const config = this.config();
    const [setting, grant, linked] = await Promise.all([
      ex.selectFrom('wechat_alert_settings').select('enabled').where('member_id', '=', memberId).executeTakeFirst(),
      config.mp ? ex.selectFrom('wechat_subscribe_grants').select('remaining').where('member_id', '=', memberId).where('template_id', '=', config.mp.templateId).executeTakeFirst() : undefined,
      config.oa ? this.linkedApps(ex, memberId).then((apps) => apps.includes('oa')) : false,
    ]);
    return {
      enabled: config.enabled && (setting?.enabled ?? true),
      miniProgram: config.mp ? { templateIds: [config.mp.templateId], remaining: grant?.remaining ?? 0 } : null,
      officialAccount: config.oa ? { linked } : null,
    };
  }

  async setEnabled(memberId: number, enabled: boolean): Promise<AlertState> {
    const now = this.clock.now();
    await this.db
      .insertInto('wechat_alert_settings')
      .values({ member_id: memberId, enabled, updated_at: now })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ enabled, updated_at: now }))
      .execute();
    return this.state(this.db, memberId);
  }

  /** wx.requestSubscribeMessage's answer: each accepted template is one more message allowed. */
  async recordSubscribeResults(memberId: number, answer: Record<string, string>): Promise<AlertState> {
    const mp = this.config().mp;
    if (!mp) throw badRequest('SUBSCRIBE_NOT_CONFIGURED', 'this shop sends no subscribe messages');
    const results = Object.entries(answer).filter(([key]) => key !== 'errMsg');
    const odd = results.filter(([, result]) => !(SUBSCRIBE_RESULTS as readonly string[]).includes(result));
    if (results.length === 0 || odd.length > 0) throw badRequest('SUBSCRIBE_RESULT_INVALID', `each template id must map to ${SUBSCRIBE_RESULTS.join(' | ')}`);
    const unknown = results.map(([id]) => id).filter((id) => id !== mp.templateId);
    if (unknown.length > 0) throw badRequest('SUBSCRIBE_TEMPLATE_UNKNOWN', `not a template this shop asks for: ${unknown.join(', ')}`);
    // a subscription is the mini-program user's: without their openid there, no message could reach them
    if (!(await this.linkedApps(this.db, memberId)).includes('mp')) throw conflict('WECHAT_MP_NOT_LINKED', 'sign in through the mini-program first (wx.login)');
    if (answer[mp.templateId] === 'accept') {
      const now = this.clock.now();
      await this.db
        .insertInto('wechat_subscribe_grants')
        .values({ member_id: memberId, template_id: mp.templateId, remaining: 1, updated_at: now })
        .onConflict((oc) => oc.columns(['member_id', 'template_id']).doUpdateSet({ remaining: sql<number>`least(wechat_subscribe_grants.remaining + 1, ${MAX_GRANTS})`, updated_at: now }))
        .execute();
    }
    return this.state(this.db, memberId);
  }
}
