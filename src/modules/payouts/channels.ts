// Which provider carries a withdrawal, by channel. Bank cards never reach a provider (batches.ts).
// WeChat balance → 商家转账 when PAYOUT_WECHAT is on; Alipay → uni.transfer when PAYOUT_ALIPAY is on.
// A channel without one goes to the dev provider only where it is allowed (development, devPayoutProvider),
// or to the provider the caller passed (tests); otherwise it fails with a reason and the funds go back.
import type { Logger } from 'pino';
import type { AppConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import type { PayoutChannel } from './tables.js';
import { notFound } from '../../errors.js';
import type { PaymentClients } from '../payments/index.js';
import { AlipayTransferPayoutProvider } from './alipay-provider.js';
import { DevPayoutProvider, type PayoutOrder, type PayoutProvider, type PayoutResult } from './providers.js';
import { WechatTransferClient } from './wechat-transfer.js';
import { WechatTransferPayoutProvider, wechatOpenidFor } from './wechat-provider.js';

export interface PayoutChannelDeps {
  config: AppConfig;
  log: Logger;
  clients: PaymentClients;
  db: Db;
  fetchFn?: typeof fetch;
  /** carries the channels that have no real provider (tests inject theirs); else dev or none by config */
  fallback?: PayoutProvider;
}

/** The reason a withdrawal fails on a channel nobody carries. */
export const NO_CHANNEL_REASON = 'PAYOUT_CHANNEL_NOT_CONFIGURED: no payout provider is configured for this channel (docs/going-live.md)';

const unconfigured = (why: string): PayoutProvider => ({
  providerName: () => 'none',
  send: async (): Promise<PayoutResult> => ({ status: 'failed', reason: why }),
});

/** Routes every call by the order's channel, so the service sees one provider. */
class ChannelRouter implements PayoutProvider {
  constructor(private readonly byChannel: Partial<Record<PayoutChannel, PayoutProvider>>, private readonly other: PayoutProvider) {}

  private of(channel: PayoutChannel): PayoutProvider {
    return this.byChannel[channel] ?? this.other;
  }
  send(order: PayoutOrder) {
    return this.of(order.channel).send(order);
  }
  query(order: PayoutOrder) {
    const p = this.of(order.channel);
    // a provider without a query answers a resend: it dedupes on the business number
    return p.query ? p.query(order) : p.send({ ...order, resend: true });
  }
  providerName(channel: PayoutChannel) {
    return this.of(channel).providerName?.(channel) ?? 'dev';
  }
  confirmParameters(channel: PayoutChannel, packageInfo: string) {
    return this.of(channel).confirmParameters?.(channel, packageInfo);
  }
  parseNotification(channel: PayoutChannel, headers: Record<string, string | string[] | undefined>, rawBody: string) {
    const p = this.of(channel);
    if (!p.parseNotification) throw notFound('PAYOUT_CHANNEL_NOT_CONFIGURED', `no ${channel} payout provider takes notifications`);
    return p.parseNotification(channel, headers, rawBody);
  }
}

function wechatProvider(deps: PayoutChannelDeps): PayoutProvider | undefined {
  const channel = deps.config.payoutChannels?.wechat;
  const merchant = deps.config.wechatpay;
  if (!channel) return undefined;
  if (!merchant) return unconfigured('PAYOUT_CHANNEL_NOT_CONFIGURED: WeChat transfers need the WeChat Pay merchant (WECHATPAY_*)');
  // the transfer client verifies with one key: 微信支付公钥 mode (platform certificates are not supported here)
  if (merchant.platform.mode !== 'publicKey') {
    deps.log.error('PAYOUT_WECHAT needs WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY (微信支付公钥); WeChat withdrawals fail until then');
    return unconfigured('PAYOUT_CHANNEL_NOT_CONFIGURED: WeChat transfers need the 微信支付公钥 (WECHATPAY_PUBLIC_KEY_ID)');
  }
  const client = new WechatTransferClient({
    mchid: merchant.mchid,
    merchantSerial: merchant.merchantSerial,
    merchantPrivateKeyPem: merchant.merchantPrivateKeyPem,
    platformPublicKeyPem: merchant.platform.publicKeyPem,
    publicKeyId: merchant.platform.publicKeyId,
    baseUrl: merchant.baseUrl,
    notifyUrl: channel.notifyUrl,
    appid: channel.appid,
    sceneId: channel.sceneId,
    sceneReportInfos: channel.sceneReportInfos,
    userRecvPerception: channel.sceneId === '1005' ? '劳务报酬' : undefined,
    fetchFn: deps.fetchFn,
  });
  return new WechatTransferPayoutProvider(client, { mchid: merchant.mchid, appid: channel.appid, apiV3Key: merchant.apiV3Key }, (memberId) =>
    wechatOpenidFor(deps.db, memberId, channel.appid),
  );
}

function alipayProvider(deps: PayoutChannelDeps): PayoutProvider | undefined {
  if (!deps.config.payoutChannels?.alipay) return undefined;
  if (!deps.clients.alipay) return unconfigured('PAYOUT_CHANNEL_NOT_CONFIGURED: Alipay transfers need the Alipay app (ALIPAY_*)');
  return new AlipayTransferPayoutProvider(deps.clients.alipay);
}

export function payoutProviderFor(deps: PayoutChannelDeps): PayoutProvider {
  const { config } = deps;
  const devAllowed = config.devPayoutProvider !== false && config.appEnv !== 'production';
  const other = deps.fallback ?? (devAllowed ? new DevPayoutProvider() : unconfigured(NO_CHANNEL_REASON));
  const byChannel: Partial<Record<PayoutChannel, PayoutProvider>> = {};
  const wechat = wechatProvider(deps);
  if (wechat) byChannel.wechat = wechat;
  const alipay = alipayProvider(deps);
  if (alipay) byChannel.alipay = alipay;
  return new ChannelRouter(byChannel, other);
}
