// 小程序码 for a member's posters: wxacode.getUnlimited with the member's invite code (and a product) as
// the scene, drawn by WeChat once and kept in wechat_mini_codes, shared by every instance. A cached code is
// used only while the app, page, version and width it was drawn for are still the settings; otherwise it
// is drawn again and replaces the old one. WeChat sends a JPEG (is_hyaline off); we keep and serve PNG.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Logger } from 'pino';
import type { WechatReachConfig } from '../../config-wechat.js';
import type { Clock } from '../../context.js';
import type { Db } from '../../db/database.js';
import { AppError, notFound } from '../../errors.js';
import { WechatApiError, type Identity } from '../identity/index.js';
import { sceneFor, type SceneTarget } from './scene.js';

export type WechatServer = Identity['wechatServer'];
type CodeSettings = WechatReachConfig['miniProgram'];

export class MiniProgramCodes {
  /** concurrent first requests for one code share one call to WeChat */
  private readonly flights = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly server: WechatServer,
    private readonly settings: () => CodeSettings,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return Boolean(this.server.apps.mp);
  }

  /** The member's 小程序码 as PNG: from the cache, or drawn by WeChat and cached. */
  async pngFor(memberId: number, target: SceneTarget): Promise<Buffer> {
    const app = this.server.apps.mp;
    if (!app) throw notFound('WECHAT_MP_NOT_CONFIGURED', 'the mini-program is not configured here');
    const settings = this.settings();
    const scene = sceneFor(target);
    const cached = await this.db
      .selectFrom('wechat_mini_codes')
      .select('png')
      .where('member_id', '=', memberId)
      .where('scene', '=', scene)
      .where('appid', '=', app.appid)
      .where('page', '=', settings.codePage)
      .where('env_version', '=', settings.version)
      .where('width', '=', settings.codeWidth)
      .executeTakeFirst();
    if (cached) return Buffer.from(cached.png);
    const key = `${memberId}\u0000${scene}`;
    const inFlight = this.flights.get(key);
    if (inFlight) return inFlight;
    const drawing = this.draw(memberId, scene, app, settings).finally(() => this.flights.delete(key));
    this.flights.set(key, drawing);
    return drawing;
  }

  private async draw(memberId: number, scene: string, app: { appid: string; secret: string }, settings: CodeSettings): Promise<Buffer> {
    const request = { scene, page: settings.codePage, check_path: settings.codeCheckPath, env_version: settings.version, width: settings.codeWidth };
    const image = await this.server.accessTokens.withToken(app, (token) => this.server.api.wxacodeUnlimited(token, request)).catch((error: unknown) => {
      throw this.failure(error);
    });
    const png = image.contentType === 'image/png' ? image.bytes : await toPng(image.bytes);
    const row = { appid: app.appid, page: settings.codePage, env_version: settings.version, width: settings.codeWidth, png, created_at: this.clock.now() };
    await this.db
      .insertInto('wechat_mini_codes')
      .values({ member_id: memberId, scene, ...row })
      .onConflict((oc) => oc.columns(['member_id', 'scene']).doUpdateSet(row))
      .execute();
    return png;
  }

  private failure(error: unknown): AppError {
    if (!(error instanceof WechatApiError)) return error instanceof AppError ? error : new AppError(503, 'WECHAT_UNAVAILABLE', 'WeChat could not draw the mini-program code right now');
    if (error.kind === 'rate_limited') return new AppError(429, 'WECHAT_BUSY', 'WeChat is limiting requests, try again shortly');
    if (error.kind === 'unavailable' || error.kind === 'busy' || error.kind === 'token_expired') {
      return new AppError(503, 'WECHAT_UNAVAILABLE', 'WeChat could not draw the mini-program code right now');
    }
    // 41030 (page not in the released version), 40129/40169 (scene), 40097 (arguments): our settings
    this.log.error({ errcode: error.errcode, errmsg: error.errmsg }, 'WeChat refused to draw a mini-program code: check WECHAT_MP_CODE_* (docs/going-live.md)');
    return new AppError(503, 'MINI_PROGRAM_CODE_REFUSED', `WeChat refused to draw the mini-program code (${error.errcode})`);
  }
}

async function toPng(bytes: Buffer): Promise<Buffer> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  return canvas.toBuffer('image/png');
}
