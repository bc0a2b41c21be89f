// Paying inside WeChat. JSAPI: the server's signed params go to WeixinJSBridge 'getBrandWCPayRequest',
// and its callback only says the buyer finished or gave up: whether money moved is the result page's to
// ask. Mini-program web-view: an H5 page cannot open the payment sheet itself, so the params go to the
// mini-program's own page, which calls wx.requestPayment and navigates back.
export type BridgeOutcome = 'ok' | 'cancel' | 'fail' | 'no-bridge';

interface Bridge {
  invoke(name: string, params: unknown, callback: (res: { err_msg?: string } | undefined) => void): void;
}
interface MiniProgram {
  navigateTo(options: { url: string; fail?: (e: unknown) => void; success?: () => void }): void;
}

const bridgeNow = () => (window as unknown as { WeixinJSBridge?: Bridge }).WeixinJSBridge;

/** WeChat injects the bridge after the page loads; wait for WeixinJSBridgeReady a few seconds at most. */
function bridge(timeoutMs = 3_000): Promise<Bridge | undefined> {
  const ready = bridgeNow();
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(bridgeNow()), timeoutMs);
    document.addEventListener(
      'WeixinJSBridgeReady',
      () => {
        window.clearTimeout(timer);
        resolve(bridgeNow());
      },
      { once: true },
    );
  });
}

/** Opens WeChat's payment sheet with the server's params {appId, timeStamp, nonceStr, package, signType, paySign}. */
export async function payInWechat(params: Record<string, unknown>): Promise<BridgeOutcome> {
  const jsBridge = await bridge();
  if (!jsBridge) return 'no-bridge';
  const res = await new Promise<{ err_msg?: string } | undefined>((resolve) => jsBridge.invoke('getBrandWCPayRequest', params, resolve));
  const message = res?.err_msg ?? '';
  if (/:ok$/.test(message)) return 'ok';
  if (/:cancel$/.test(message)) return 'cancel';
  return 'fail';
}

/**
 * The mini-program's page /pages/pay/pay receives the order and the params (JSON) and calls
 * wx.requestPayment with them; the web-view's result page asks the server for the verified state.
 */
export function payInMiniProgram(orderId: number, params: Record<string, unknown>): Promise<boolean> {
  const mini = (window as unknown as { wx?: { miniProgram?: MiniProgram } }).wx?.miniProgram;
  if (!mini?.navigateTo) return Promise.resolve(false);
  return new Promise((resolve) => {
    mini.navigateTo({
      url: `/pages/pay/pay?order=${orderId}&params=${encodeURIComponent(JSON.stringify(params))}`,
      success: () => resolve(true),
      fail: () => resolve(false),
    });
  });
}
