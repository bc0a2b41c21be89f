// The wechat-reach module's face: what reaches WeChat users outside our pages — the 小程序码 on posters
// (and the scene that binds whoever opens it), and income alerts as mini-program subscribe messages or
// 公众号 template messages. Wired from the core in services.ts; its tables (036) are written only here.
import { DEFAULT_WECHAT_REACH } from '../../config-wechat.js';
import type { CoreServices } from '../../services.js';
import { AlertSettings } from './alert-settings.js';
import { AlertDeliveries } from './deliveries.js';
import { MiniProgramEntry } from './entry.js';
import { MiniProgramCodes } from './mini-codes.js';

export type { AlertState, SubscribeResult } from './alert-settings.js';
export type { SweepResult } from './deliveries.js';
export type { MiniProgramOpening } from './entry.js';
export { parseScene, sceneFor, type SceneTarget } from './scene.js';

export function createWechatReach(core: CoreServices) {
  const reach = () => core.config.wechatReach ?? DEFAULT_WECHAT_REACH;
  const server = core.identity.wechatServer;
  const codes = new MiniProgramCodes(core.db, core.clock, server, () => reach().miniProgram, core.log);
  const alertSettings = new AlertSettings(core.db, core.clock, () => reach().alerts, (ex, memberId) => core.identity.wechat.identitiesOf(ex, memberId));
  const alerts = new AlertDeliveries(core.db, core.clock, server, reach, (memberId, appid) => core.identity.wechat.openidOf(memberId, appid), core.log);
  const entry = new MiniProgramEntry(core.db, core.identity, core.referral, core.rules);
  // the delivery rows commit with the earning; the sending waits for the commit, then the sweep retries
  core.bus.subscribeInTransaction('commission.earned', (tx, events) => alerts.recordInTransaction(tx, events));
  core.bus.subscribe('commission.earned', (event) => alerts.sendSoon(event));
  // claimed per row with SKIP LOCKED, so any number of instances may run it
  core.extensions.addJob({ name: 'wechat-reach.alerts', run: () => alerts.sendDue() });
  return { wechatReach: { codes, alertSettings, alerts, entry } };
}

export type WechatReach = ReturnType<typeof createWechatReach>['wechatReach'];
