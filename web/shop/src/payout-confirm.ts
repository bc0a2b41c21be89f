// The receiver's side of a WeChat 商家转账: a withdrawal to WeChat balance is paid only once the member
// confirms it in WeChat. Inside WeChat the page asks the server for the transfer's parameters and hands
// them to WeixinJSBridge 'requestMerchantTransfer'; then it asks the server to check with WeChat (refresh),
// because the money's state comes from WeChat's answer, never from the bridge's callback.
import { ApiError, request } from './api';
import { inWechat } from './auth';
import type { Payout } from '../../shared/types';

/** A payout as the server presents it, with whether a WeChat transfer waits for the receiver. */
export type ChannelPayout = Payout & { awaitingConfirmation?: boolean };

export interface ConfirmParameters {
  mchId: string;
  appId: string;
  package: string;
}

interface WeixinBridge {
  invoke(name: string, params: unknown, callback: (res: { err_msg?: string } | undefined) => void): void;
}

declare global {
  interface Window {
    WeixinJSBridge?: WeixinBridge;
  }
}

export const wechatConfirmParameters = (payoutId: number) => request<ConfirmParameters>(`/api/me/payouts/${payoutId}/wechat-confirm`);

/** Asks the server to check with the provider now; a 429 (checked a moment ago) is no news, not an error. */
export async function refreshPayout(payoutId: number): Promise<ChannelPayout | undefined> {
  try {
    return await request<ChannelPayout>(`/api/me/payouts/${payoutId}/refresh`, { method: 'POST' });
  } catch (error) {
    if (error instanceof ApiError && error.status === 429) return undefined;
    throw error;
  }
}

/** WeChat injects the bridge after the page loads; wait for it (WeixinJSBridgeReady) a few seconds at most. */
function bridge(timeoutMs = 3_000): Promise<WeixinBridge | undefined> {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge);
  return new Promise((resolve) => {
    const timer = window.setTimeout(() => resolve(window.WeixinJSBridge), timeoutMs);
    document.addEventListener('WeixinJSBridgeReady', () => {
      window.clearTimeout(timer);
      resolve(window.WeixinJSBridge);
    }, { once: true });
  });
}

export type ConfirmOutcome = 'ok' | 'cancel' | 'fail' | 'outside';

/** Opens WeChat's confirmation for the payout; 'outside' when the page is not inside WeChat. */
export async function confirmInWechat(payoutId: number): Promise<ConfirmOutcome> {
  if (!inWechat() && !window.WeixinJSBridge) return 'outside';
  const jsBridge = await bridge();
  if (!jsBridge) return 'outside';
  const params = await wechatConfirmParameters(payoutId);
  const res = await new Promise<{ err_msg?: string } | undefined>((resolve) => jsBridge.invoke('requestMerchantTransfer', params, resolve));
  const message = res?.err_msg ?? '';
  if (/:ok$/.test(message)) return 'ok';
  if (/:cancel$/.test(message)) return 'cancel';
  return 'fail';
}

/** A failure reason starts with a code ('WECHAT_NOT_LINKED: …'); the code names a translated text when there is one. */
export function failureCode(reason: string | null): string | undefined {
  const m = reason ? /^([A-Z][A-Z0-9_]+):/.exec(reason) : null;
  return m?.[1];
}
