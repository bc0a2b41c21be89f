// The protocol clients the configuration asks for, built once: payments, refunds, transfers and bills
// share them (one platform-certificate cache, one Alipay SDK).
import type { AppConfig } from '../../config.js';
import { AlipayClient } from './alipay-client.js';
import { WechatpayClient } from './wechatpay-client.js';

export interface PaymentClients {
  wechatpay?: WechatpayClient;
  alipay?: AlipayClient;
}

export function createPaymentClients(config: AppConfig, fetchFn?: typeof fetch): PaymentClients {
  const w = config.wechatpay;
  const a = config.alipay;
  return {
    wechatpay: w
      ? new WechatpayClient({ mchid: w.mchid, merchantSerial: w.merchantSerial, merchantPrivateKeyPem: w.merchantPrivateKeyPem, apiV3Key: w.apiV3Key, baseUrl: w.baseUrl, notifyUrl: w.notifyUrl, appids: w.appids, platform: w.platform, fetchFn })
      : undefined,
    alipay: a ? new AlipayClient({ appId: a.appId, privateKeyPem: a.privateKeyPem, alipayPublicKeyPem: a.alipayPublicKeyPem, gateway: a.gateway, notifyUrl: a.notifyUrl }) : undefined,
  };
}
