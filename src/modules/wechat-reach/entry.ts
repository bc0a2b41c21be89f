// Opening the mini-program from a scanned 小程序码: the scene it was opened with comes back at silent
// login (code2session). A new member is made with the scene's invite code, as a registration through a
// share link is; and the scan is recorded as a visit of that link, so a member who was already signed
// up is bound (or re-bound) exactly as when they open a share link signed in — the binding rules decide.
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Identity } from '../identity/index.js';
import type { MemberProfile } from '../members/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RulesService } from '../rules/index.js';
import { parseScene } from './scene.js';

export interface MiniProgramOpening {
  /** the scene of the 小程序码 it was opened from (decodeURIComponent(query.scene)) */
  scene?: string;
  /** a share card's invite code, when not opened from a code */
  inviteCode?: string;
  visitorKey?: string;
}

export class MiniProgramEntry {
  constructor(
    private readonly db: Db,
    private readonly identity: Identity,
    private readonly referral: ReferralService,
    private readonly rules: RulesService,
  ) {}

  /** wx.login's code and how the mini-program was opened: the member, made and bound on first sight. */
  async signIn(jsCode: string, opening: MiniProgramOpening): Promise<MemberProfile> {
    const scanned = opening.scene ? parseScene(opening.scene) : undefined;
    const inviteCode = scanned?.inviteCode ?? opening.inviteCode;
    const member = await this.identity.wechat.miniProgramLogin(jsCode, { inviteCode, visitorKey: opening.visitorKey });
    if (scanned) await this.visit(member.id, scanned.inviteCode, opening.visitorKey);
    return member;
  }

  /** The scan as a visit of the sharer's link by this signed-in member (the rules may bind on it). */
  private async visit(memberId: number, inviteCode: string, visitorKey: string | undefined): Promise<void> {
    const rules = (await this.rules.current(this.db)).config;
    try {
      await this.referral.recordVisit({ inviteCode, visitorKey: visitorKey ?? `mp-scan:${memberId}`, memberId }, rules);
    } catch (error) {
      // a poster of a member who is gone still opens the shop
      if (!(error instanceof AppError && error.code === 'INVITE_CODE_NOT_FOUND')) throw error;
    }
  }
}
