// The composition root: every module service, wired with its dependencies explicitly.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { DEFAULT_MEDIA } from './config-media.js';
import { EventBus, systemClock, type Clock } from './context.js';
import type { Db, Tx } from './db/database.js';
import { AgentsService } from './modules/agents/index.js';
import { AnalyticsService } from './modules/analytics/index.js';
import { ApprovalsService } from './modules/approvals/index.js';
import { AuditService } from './modules/audit/index.js';
import { CatalogService } from './modules/catalog/index.js';
import { CommissionService } from './modules/commission/index.js';
import { ComplianceService } from './modules/compliance/index.js';
import { LedgerService } from './modules/ledger/index.js';
import { LocalMediaStorage, MediaService, type MediaStorage, MemoryMediaStorage, S3MediaStorage } from './modules/media/index.js';
import { AliyunSmsProvider, DevSmsProvider, MembersService, type SmsProvider, type SmsSendError, TencentSmsProvider } from './modules/members/index.js';
import { createIdentity, type LimitStore, PgLimitStore } from './modules/identity/index.js';
import { NotificationsService } from './modules/notifications/index.js';
import { DevTracking, Kuaidi100Tracking, OrdersService, type TrackingProvider } from './modules/orders/index.js';
import { AlipayProvider, createPaymentClients, DevPaymentProvider, PaymentChecks, type PaymentClients, type PaymentProvider, PaymentsService, WechatpayProvider } from './modules/payments/index.js';
import { PayoutBatchesService, type PayoutProvider, payoutProviderFor, PayoutsService } from './modules/payouts/index.js';
import { createStatements } from './modules/statements/index.js';
import { PosterService } from './modules/posters/index.js';
import { ShowcaseService } from './modules/showcase/index.js';
import { AddressBookService } from './modules/addresses/index.js';
import { StoresService } from './modules/stores/index.js';
import { ReferralService } from './modules/referral/index.js';
import { RulesService } from './modules/rules/index.js';
import { Extensions } from './extensions.js';
import { createPromotions } from './modules/promotions/index.js';
import { createLoyalty } from './modules/loyalty/index.js';
import { createGrowth } from './modules/growth/index.js';
import { createContests } from './modules/contests/index.js';
import { createInsights } from './modules/insights/index.js';
import { createSuppliers } from './modules/suppliers/index.js';
import { createDealers } from './modules/dealers/index.js';
import { createBargains } from './modules/bargains/index.js';
import { createGroupBuys } from './modules/group-buys/index.js';
import { createFlashSales } from './modules/flash-sales/index.js';
import { createWechatReach } from './modules/wechat-reach/index.js';
import { createRisk } from './modules/risk/index.js';
import { createStorefront } from './modules/storefront/index.js';

export interface ServiceOptions {
  db: Db;
  config: AppConfig;
  log: Logger;
  clock?: Clock;
  sms?: SmsProvider;
  payoutProvider?: PayoutProvider;
  fetchFn?: typeof fetch;
  /** counters shared by instances; PostgreSQL unless the caller brings Redis's */
  limitStore?: LimitStore;
  /** where read models read (DATABASE_READ_URL, a replica); default the primary */
  readDb?: Db;
  /** wall time for sessions and tokens (tests move the business clock by days) */
  authClock?: Clock;
}

/** The SMS provider the configuration names; the dev one exists only in development. */
function smsProviderFor(config: AppConfig, log: Logger): SmsProvider {
  const sms = config.sms ?? { provider: 'dev' as const };
  if (sms.provider === 'aliyun') return loggingFailures(new AliyunSmsProvider(sms.aliyun), log);
  if (sms.provider === 'tencent') return loggingFailures(new TencentSmsProvider(sms.tencent), log);
  if (config.appEnv === 'production') throw new Error('the dev SMS provider cannot run in production');
  return new DevSmsProvider(log);
}

/** The operator sees why a provider refused (its code, never the phone or the code sent). */
function loggingFailures(provider: SmsProvider, log: Logger): SmsProvider {
  return {
    name: provider.name,
    revealsCodes: provider.revealsCodes,
    async sendCode(phone, code, purpose) {
      try {
        await provider.sendCode(phone, code, purpose);
      } catch (error) {
        const e = error as Partial<SmsSendError>;
        log.warn({ provider: provider.name, kind: e.kind ?? 'unavailable', providerCode: e.providerCode ?? 'unknown', purpose }, 'sms provider refused to send');
        throw error;
      }
    },
  };
}

/** Generous limits for a configuration that names none (tests); production reads them from the environment. */
/** The parcel-tracking provider the configuration names (config-tracking.ts); none when off. */
function trackingProviderFor(config: AppConfig, clock: Clock, fetchFn?: typeof fetch): TrackingProvider | undefined {
  const tracking = config.tracking ?? { provider: 'off' as const };
  if (tracking.provider === 'dev') return new DevTracking(() => clock.now());
  if (tracking.provider === 'kuaidi100') return new Kuaidi100Tracking({ ...tracking, fetchFn });
  return undefined;
}

/** Where pictures go (config-media.ts): the bucket when one is configured, else DATA_DIR/media (memory for memory://). */
function mediaStorageFor(config: AppConfig): MediaStorage {
  const media = config.media ?? DEFAULT_MEDIA;
  if (media.s3) return new S3MediaStorage(media.s3);
  if (config.dataDir === 'memory://') return new MemoryMediaStorage();
  return new LocalMediaStorage(join(config.dataDir, 'media'));
}

const DEFAULT_ACCESS_LIMITS = { smsPerIpPerHour: 30, smsGlobalPerMinute: 300, loginPerIpPerMinute: 60, loginGlobalPerMinute: 3000 };

export function createServices(options: ServiceOptions) {
  const { db, config, log } = options;
  const clock = options.clock ?? systemClock;
  const bus = new EventBus();
  const audit = new AuditService();
  const ledger = new LedgerService();
  const rules = new RulesService(audit);
  const media = new MediaService(db, mediaStorageFor(config), { publicBaseUrl: (config.media ?? DEFAULT_MEDIA).publicBaseUrl, log });
  const catalog = new CatalogService(db, media, audit);
  // orders is created below; referral asks it lazily whether a member ever paid
  let orders: OrdersService | undefined;
  const referral = new ReferralService(db, clock, audit, (ex, memberId) => orders!.hasPaidOrders(ex, memberId));
  const sms = options.sms ?? smsProviderFor(config, log);
  const limits = options.limitStore ?? new PgLimitStore(db);
  const members = new MembersService(db, clock, sms, ledger, referral, rules, audit, limits, config.limits ?? DEFAULT_ACCESS_LIMITS);
  const identity = createIdentity({ db, config, log, members, referral, audit, clock: options.authClock ?? systemClock, fetchFn: options.fetchFn });
  // PGlite is one session: parallel sweeps would only queue behind each other there
  const commission = new CommissionService(db, clock, bus, ledger, referral, rules, audit, config.databaseUrl ? 2 : 1);
  const agents = new AgentsService(db, clock, commission, audit);
  orders = new OrdersService(db, clock, bus, catalog, rules, commission, referral, members, audit);
  const tracking = trackingProviderFor(config, clock, options.fetchFn);
  if (tracking) orders.provideTracking(tracking);

  const clients = createPaymentClients(config, options.fetchFn);
  const providers = new Map<string, PaymentProvider>();
  let payments: PaymentsService | undefined;
  if (config.devPaymentProvider) {
    // the dev provider's signing key is derived from the server secret, never stored
    const devSecret = createHash('sha256').update(`dev-payments:${config.jwtSecret}`).digest('hex');
    providers.set('dev', new DevPaymentProvider(devSecret, async (body, signature) => void (await payments!.handleDevNotification(body, signature))));
  }
  if (clients.wechatpay && config.wechatpay) providers.set('wechatpay', new WechatpayProvider(clients.wechatpay, config.wechatpay));
  if (clients.alipay) providers.set('alipay', new AlipayProvider(clients.alipay, `${config.publicUrl ?? `http://${config.host}:${config.port}`}/`));
  payments = new PaymentsService(db, clock, orders, providers, log, audit, {
    queryAfterMs: config.paymentQueryAfterMs ?? 120_000,
    openidOf: (memberId, appid) => identity.wechat.openidOf(memberId, appid),
  });
  const paymentChecks = new PaymentChecks(db, clock, payments, orders, log);
  // an injected provider (tests) carries the channels that have no real provider configured
  const payoutProvider = payoutProviderFor({ config, log, clients, db, fetchFn: options.fetchFn, fallback: options.payoutProvider });
  const extensions = new Extensions();
  const payouts = new PayoutsService(db, clock, bus, ledger, rules, audit, payoutProvider, log, async (ex, memberId) => (await extensions.partiesOf(ex, memberId)).length > 0);

  const payoutBatches = new PayoutBatchesService(db, clock, audit, payouts);
  // the two-person rule: adjustments above the line wait for a second approver; 待我审批 across the kinds
  const approvals = new ApprovalsService({ db, clock, commission, rules, members, audit, payouts });
  const notifications = new NotificationsService(db, clock, log);
  notifications.attach(bus);
  const posters = new PosterService(log);
  const analytics = new AnalyticsService(clock);
  // the compliance guard's report: the rules, every override from the audit log, money paid per metric, findings
  const compliance = new ComplianceService(rules, audit, members, clock);
  const stores = new StoresService(db, audit);
  const showcase = new ShowcaseService(db, catalog, members);
  const addresses = new AddressBookService(db);
  // 已售: units paid per product, counted after each payment commits (the shop sorts by it)
  orders.addParticipant({ name: 'catalog', later: { onPaid: (tx, o) => catalog.recordSales(tx, o.lines), onPaidMany: (tx, os) => catalog.recordSales(tx, os.flatMap((o) => o.lines)) } });

  const readDb = options.readDb ?? db;
  const core = { clients, db, readDb, clock, bus, config, log, audit, ledger, rules, media, catalog, referral, members, identity, limits, commission, orders, tracking, payments, paymentChecks, payouts, payoutBatches, approvals, payoutProvider, sms, notifications, posters, analytics, stores, showcase, addresses, agents, compliance, extensions };
  // channels: credit paid orders to the customer's store (region protection); 'agent' and 'store' parties
  agents.attach({ orders, extensions });
  compliance.addFindings((ex) => agents.complianceFindings(ex));
  stores.attach({ orders, extensions, clock });
  // features register order participants, jobs and party resolvers on the core; pricing participants run in this order
  const promotions = createPromotions(core);
  const loyalty = createLoyalty(core);
  // the points mall hands out coupons through promotions (the mall's redemption is the idempotent step)
  loyalty.loyalty.setCouponGranter(async (tx, memberId, templateId) => void (await promotions.coupons.grant(tx, memberId, templateId)));
  const growth = createGrowth(core);
  const contests = createContests(core);
  // rewards for recruiting alone are points, not cash (the compliance guard): contest prizes and agent referral awards
  const grantPoints = async (tx: Tx, g: { memberId: number; points: number; refType: string; refId: number; idempotencyKey: string; memo: string }) =>
    void (await loyalty.loyalty.points.record(tx, { ...g, reason: 'reward' }));
  contests.contests.setPointsGranter(grantPoints);
  agents.setPointsGranter(grantPoints);
  const insights = createInsights(core);
  const suppliers = createSuppliers(core);
  const dealers = createDealers(core);
  // 砍价: priced after coupons, which it refuses to combine with
  const bargains = createBargains(core);
  // 拼团: the group price, places held at checkout, the Nth payment succeeds the group; the deadline job
  const groupBuys = createGroupBuys(core);
  // 秒杀: campaign prices and stock of its own, taken last in the checkout; the end-time job
  const flashSales = createFlashSales(core);
  const statements = createStatements(core, clients);
  const wechatReach = createWechatReach(core);
  // 风控: the identity graph commission plans through, the rules that hold earnings, the queue
  const risk = createRisk(core);
  // 装修 and 收藏: the shop's decoration and members' favourite products
  const storefront = createStorefront(core);
  return { ...statements, ...core, ...promotions, ...loyalty, ...growth, ...contests, ...insights, ...suppliers, ...dealers, ...bargains, ...groupBuys, ...flashSales, ...wechatReach, ...risk, ...storefront };
}

/** What a feature module is given: every core service (features do not see each other except through the core). */
export interface CoreServices {
  clients: PaymentClients;
  db: Db;
  /** read models only (dashboard, insights, exports, leaderboards, reconciliation): may lag the primary */
  readDb: Db;
  clock: Clock;
  bus: EventBus;
  config: AppConfig;
  log: Logger;
  audit: AuditService;
  ledger: LedgerService;
  rules: RulesService;
  media: MediaService;
  catalog: CatalogService;
  referral: ReferralService;
  members: MembersService;
  identity: ReturnType<typeof createIdentity>;
  limits: LimitStore;
  commission: CommissionService;
  orders: OrdersService;
  payments: PaymentsService;
  paymentChecks: PaymentChecks;
  payouts: PayoutsService;
  payoutBatches: PayoutBatchesService;
  payoutProvider: PayoutProvider;
  sms: SmsProvider;
  notifications: NotificationsService;
  posters: PosterService;
  analytics: AnalyticsService;
  stores: StoresService;
  /** distributors' mini-shop picks (选品) */
  showcase: ShowcaseService;
  addresses: AddressBookService;
  agents: AgentsService;
  compliance: ComplianceService;
  extensions: Extensions;
}

export type Services = ReturnType<typeof createServices>;

