// The payments module's face: what other modules and the app may use of it.
export { AlipayApiError } from './alipay-client.js';
export type { AlipayClient } from './alipay-client.js';
export { AlipayProvider } from './alipay-provider.js';
export { PaymentChecks } from './checks.js';
export { createPaymentClients } from './clients.js';
export type { PaymentClients } from './clients.js';
export { DevPaymentProvider } from './providers.js';
export type { PaymentProvider } from './providers.js';
export { PaymentsService } from './service.js';
export type { WechatpayPlatformConfig } from './wechatpay-certs.js';
export { buildWechatpayAuthorization, decryptWechatpayResource, parseWechatpayNotification, readWechatpayHeaders, verifyWechatpaySignature, WechatpayVerifyError } from './wechatpay-crypto.js';
export { WechatpayProvider } from './wechatpay-provider.js';
export { PAYMENT_METHODS } from './providers.js';
export type { PaymentMethod } from './providers.js';
export { WechatpayApiError } from './wechatpay-client.js';
export type { WechatpayClient } from './wechatpay-client.js';
export { parseTradeBill as parseAlipayTradeBill } from './alipay-client.js';
export { parseTradeBill as parseWechatpayTradeBill } from './wechatpay-client.js';
