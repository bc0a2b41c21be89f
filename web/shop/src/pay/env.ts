// Where the shop runs decides how it can be paid: inside WeChat only WeChat Pay's JSAPI works (WeChat
// blocks Alipay pages), a mini-program's web-view hands payment to the mini-program, a mobile browser
// leaves for the WeChat H5 or Alipay WAP cashier, and a desktop shows a WeChat QR or the Alipay page cashier.
export type PayEnv = 'miniprogram' | 'wechat' | 'mobile' | 'desktop';
export type PayProvider = 'dev' | 'wechatpay' | 'alipay';
export type PayMethod = 'dev' | 'jsapi' | 'mp' | 'h5' | 'native' | 'wap' | 'page';
export interface PayOption {
  provider: PayProvider;
  method: PayMethod;
}

interface Environment {
  userAgent: string;
  maxTouchPoints?: number;
  wxjsEnvironment?: unknown;
}

function current(): Environment {
  const w = typeof window === 'undefined' ? undefined : (window as unknown as { __wxjs_environment?: unknown });
  return {
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
    maxTouchPoints: typeof navigator === 'undefined' ? 0 : navigator.maxTouchPoints,
    wxjsEnvironment: w?.__wxjs_environment,
  };
}

export function detectPayEnv(env: Environment = current()): PayEnv {
  const ua = env.userAgent;
  // the web-view of a mini-program says so in its user agent (Android) or in __wxjs_environment (after WeixinJSBridgeReady, iOS)
  if (/miniProgram/i.test(ua) || env.wxjsEnvironment === 'miniprogram') return 'miniprogram';
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  if (/Android|iPhone|iPod|iPad|Mobile|HarmonyOS|OpenHarmony/i.test(ua)) return 'mobile';
  // iPadOS Safari presents itself as a Mac, but has a touch screen
  if (/Macintosh/i.test(ua) && (env.maxTouchPoints ?? 0) > 1) return 'mobile';
  return 'desktop';
}

/** The methods that work here, best first; the dev provider works anywhere. */
const FITTING: Record<PayEnv, PayMethod[]> = {
  miniprogram: ['mp'],
  wechat: ['jsapi'],
  mobile: ['h5', 'wap'],
  desktop: ['native', 'page'],
};

/** Of the methods the server has enabled, those that fit where the shop runs, in the order to offer them. */
export function fittingMethods(enabled: PayOption[], env: PayEnv = detectPayEnv()): PayOption[] {
  const order = [...FITTING[env], 'dev'];
  return enabled.filter((m) => order.includes(m.method)).sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
}
