// The scene a 小程序码 carries (wxacode.getUnlimited): at most 32 visible characters of
// [0-9A-Za-z!#$&'()*+,/:;=?@-._~]. Ours is query-shaped: i=<invite code>, and &p=<product id> on a
// product poster. The mini-program reads it from its launch query (decodeURIComponent(query.scene)) and
// sends it back as it is; a bare invite code is taken too.
import { badRequest } from '../../errors.js';

export const SCENE_MAX = 32;
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
const INVITE_RE = /^[A-Za-z0-9]{4,16}$/;

export interface SceneTarget {
  inviteCode: string;
  productId?: number;
}

export function sceneFor(target: SceneTarget): string {
  const scene = `i=${target.inviteCode}${target.productId ? `&p=${target.productId}` : ''}`;
  if (scene.length > SCENE_MAX || !SCENE_CHARS.test(scene)) throw new RangeError(`scene ${scene} does not fit WeChat's rules`);
  return scene;
}

/** What a scanned code asked for; a scene that is not ours is 400 SCENE_INVALID. */
export function parseScene(raw: string): SceneTarget {
  const scene = raw.trim();
  const invalid = () => badRequest('SCENE_INVALID', 'this scene is not one of our 小程序码 (i=<invite code>[&p=<product>])');
  if (!scene || scene.length > SCENE_MAX || !SCENE_CHARS.test(scene)) throw invalid();
  if (INVITE_RE.test(scene)) return { inviteCode: scene.toUpperCase() };
  const params = new Map<string, string>();
  for (const part of scene.split('&')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined || params.has(key)) throw invalid();
    params.set(key, value);
  }
  const inviteCode = params.get('i');
  const product = params.get('p');
  if (!inviteCode || !INVITE_RE.test(inviteCode) || [...params.keys()].some((k) => k !== 'i' && k !== 'p')) throw invalid();
  if (product !== undefined && !/^[1-9]\d{0,14}$/.test(product)) throw invalid();
  return { inviteCode: inviteCode.toUpperCase(), ...(product ? { productId: Number(product) } : {}) };
}
