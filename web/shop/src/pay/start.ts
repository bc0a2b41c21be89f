// Paying an order: the methods the server enabled that fit where the shop runs, one tap when only one
// fits (the dev provider alone pays as it always did), a sheet to choose when several do. Then each
// method goes its own way; every way ends on the result page, which shows what the server verified.
import { ActionSheet, Toast } from 'antd-mobile';
import { createElement } from 'react';
import type { NavigateFunction } from 'react-router-dom';
import { payWithDevProvider } from '../api';
import { translate, type Locale, type MessageKey } from '../i18n';
import { payApi } from './api';
import { detectPayEnv, fittingMethods, type PayOption } from './env';
import { payInMiniProgram, payInWechat } from './wechat';

const locale = (): Locale => (document.documentElement.lang === 'en' ? 'en' : 'zh');
const tr = (key: MessageKey, params?: Record<string, string | number>) => translate(locale(), key, params);

/** The result page of an order (the same address the server gives the providers to send the buyer back to). */
export const resultPath = (orderId: number) => `/pay/result?order=${orderId}`;

/** What the result page needs to show a Native QR while it waits. */
export interface QrState {
  codeUrl: string;
  amountFen: number;
}

export const optionKey = (o: PayOption) => `${o.provider}-${o.method}`;

/** A label for a method, in the current language (or through the page's t). */
export function optionLabel(o: PayOption, t: (key: MessageKey) => string = tr): { title: string; hint: string } {
  return { title: t(`payFlow.title.${o.provider}` as MessageKey), hint: t(`payFlow.hint.${optionKey(o)}` as MessageKey) };
}

/** The methods to offer here, with the server's list loaded. */
export async function availableOptions(): Promise<PayOption[]> {
  return fittingMethods(await payApi.methods(), detectPayEnv());
}

function choose(options: PayOption[]): Promise<PayOption | null> {
  return new Promise((resolve) => {
    let picked: PayOption | null = null;
    ActionSheet.show({
      extra: tr('payFlow.choose'),
      cancelText: tr('common.cancel'),
      closeOnAction: true,
      actions: options.map((o) => {
        const label = optionLabel(o);
        return {
          key: optionKey(o),
          text: createElement('span', { 'data-testid': `pay-option-${optionKey(o)}` }, label.title),
          description: label.hint,
          onClick: () => {
            picked = o;
          },
        };
      }),
      afterClose: () => resolve(picked),
    });
  });
}

/**
 * Leaves for a provider's cashier. WeChat's H5 cashier refuses a visit whose Referer is not one of the
 * merchant's H5 payment domains (商家参数格式有误), so that link sends this page's origin whatever the
 * page's own referrer policy (the server's default is no-referrer).
 */
function leaveFor(url: string, sendOrigin: boolean): void {
  if (!sendOrigin) {
    window.location.assign(url);
    return;
  }
  const link = document.createElement('a');
  link.href = url;
  link.referrerPolicy = 'origin';
  link.rel = 'external';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export class PayStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayStopped';
  }
}

/**
 * Starts paying the order. Resolves once the buyer is on the way (the result page, or a provider's
 * cashier loading); throws with a message to show when nothing was paid (no method here, the buyer
 * cancelled, the provider refused).
 */
export async function startPay(orderId: number, navigate: NavigateFunction, opts: { replace?: boolean } = {}): Promise<void> {
  const env = detectPayEnv();
  const options = await availableOptions();
  if (options.length === 0) throw new PayStopped(tr(env === 'wechat' ? 'payFlow.noneInWechat' : 'payFlow.none'));
  const option = options.length === 1 ? options[0]! : await choose(options);
  if (!option) throw new PayStopped(tr('payFlow.cancelled'));
  const toResult = (state?: { qr: QrState }) => navigate(resultPath(orderId), { replace: opts.replace, state });

  if (option.method === 'dev') {
    await payWithDevProvider(orderId);
    toResult();
    return;
  }
  const started = await payApi.start(orderId, option);
  const param = (name: string) => (typeof started.params[name] === 'string' ? (started.params[name] as string) : '');
  switch (started.method) {
    case 'jsapi': {
      const outcome = await payInWechat(started.params);
      if (outcome === 'cancel') throw new PayStopped(tr('payFlow.cancelled'));
      if (outcome === 'no-bridge') throw new PayStopped(tr('payFlow.openInWechat'));
      // 'fail' may still have charged (a network break after paying): the result page asks
      if (outcome === 'fail') Toast.show({ content: tr('payFlow.bridgeFailed') });
      toResult();
      return;
    }
    case 'mp':
      if (!(await payInMiniProgram(orderId, started.params))) throw new PayStopped(tr('payFlow.openInMiniProgram'));
      toResult();
      return;
    case 'native':
      toResult({ qr: { codeUrl: param('codeUrl'), amountFen: started.amountFen } });
      return;
    case 'h5':
      // WeChat's cashier comes back to the result page (redirect_url)
      leaveFor(param('h5Url'), true);
      return;
    case 'wap':
    case 'page':
      // Alipay's cashier comes back to the result page (return_url)
      leaveFor(param('payUrl'), false);
      return;
    default:
      toResult();
  }
}
