// The Fastify app: security headers, rate limits, zod validation that also writes the OpenAPI
// document, JSON errors, and the routes of every module.
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import { constants as zlib } from 'node:zlib';
import multipart from '@fastify/multipart';
import { DEFAULT_MEDIA } from '../config-media.js';
import rateLimit from '@fastify/rate-limit';
import { sharedRateLimitStore } from './rate-limit-store.js';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Services } from '../services.js';
import { createAuth, type Auth } from './auth.js';
import { errorHandler } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { agentRoutes } from './routes/agents.js';
import { authRoutes } from './routes/auth.js';
import { wechatAuthRoutes } from './routes/wechat-auth.js';
import { engagementRoutes } from './routes/engagement.js';
import { paymentRoutes } from './routes/payments.js';
import { shopRoutes } from './routes/shop.js';
import { storeRoutes } from './routes/stores.js';
import { promotionsRoutes } from './routes/promotions.js';
import { loyaltyRoutes } from './routes/loyalty.js';
import { growthRoutes } from './routes/growth.js';
import { contestsRoutes } from './routes/contests.js';
import { insightsRoutes } from './routes/insights.js';
import { suppliersRoutes } from './routes/suppliers.js';
import { dealersRoutes } from './routes/dealers.js';
import { payoutBatchRoutes } from './routes/payout-batches.js';
import { payoutChannelRoutes } from './routes/payout-channels.js';
import { statementRoutes } from './routes/statements.js';
import { jobsRoutes } from './routes/jobs.js';
import { afterSalesRoutes } from './routes/after-sales.js';
import { showcaseRoutes } from './routes/showcase.js';
import { addressRoutes } from './routes/addresses.js';
import { bargainsRoutes } from './routes/bargains.js';
import { groupBuyRoutes } from './routes/group-buys.js';
import { trackingRoutes } from './routes/tracking.js';
import { wechatReachRoutes } from './routes/wechat-reach.js';
import { mediaRoutes } from './routes/media.js';
import { observeDevices, riskRoutes } from './routes/risk.js';
import { flashSalesRoutes } from './routes/flash-sales.js';
import { storefrontRoutes } from './routes/storefront.js';

export interface HttpOptions {
  logger: Logger;
  /** extra route registrations (web apps, streams) added by later modules */
  plugins?: Array<(app: FastifyInstance, services: Services) => void | Promise<void>>;
}

export async function buildHttpApp(services: Services, options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // forwarded headers are believed only when a proxy in front says so (TRUST_PROXY=1)
    trustProxy: services.config.trustProxy === true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('member', null);
  app.decorateRequest('sessionId', null);

  // keep the raw body: payment signatures are over the exact bytes received
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'BODY_INVALID' }), undefined);
    }
  });

  // Alipay posts its notifications as a form; its signature covers the decoded values (checkNotifySignV2)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  await app.register(helmet, {
    // WeChat's H5 cashier checks the Referer against the merchant's H5 payment domain: send our origin, never the path
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // the web apps load their own bundles and images from this origin and data: URLs (posters, QR);
    // images also from the configured media origins (MEDIA_ORIGIN: CDN / object storage), nothing else
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:', ...(services.config.mediaOrigins ?? [])], 'script-src': ["'self'"] } },
  });
  // API answers (JSON) compressed on the fly, quickly (brotli 4); the web apps' files are compressed
  // once at build time (scripts/build-web.ts) and served as they are; a live event stream, an export
  // (xlsx is a zip already; a CSV streams page by page) and a picture (WebP) are never touched
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    customTypes: /^(application\/(json|problem\+json)|text\/(html|css|javascript|plain))(;|$)/,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  // counted in the shared store, so every instance allows what one would; a store outage lets requests through
  await app.register(rateLimit, { global: false, store: sharedRateLimitStore(services.limits), skipOnError: true });
  // picture uploads (POST /api/admin/media): one file, refused while it streams in past MEDIA_MAX_BYTES
  await app.register(multipart, { limits: { fileSize: (services.config.media ?? DEFAULT_MEDIA).maxBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fenxiao API', description: '分销 — social-distribution commerce: members, referral tree, orders, commission, ledger, withdrawals', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const auth = createAuth(services.identity, services.db);
  // the shop's device id (x-device-id) for the signed-in member, with the request's network (风控)
  observeDevices(app, services);

  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  mediaRoutes(app, services);

  featureRoutes(app, services, auth);
  for (const plugin of options.plugins ?? []) await plugin(app, services);

  await app.ready();
  return app;
}

// Every route group that takes (app, services, auth), in registration order (their paths do not overlap).
const ROUTE_GROUPS: Array<(app: FastifyInstance, services: Services, auth: Auth) => void> = [
  authRoutes,
  wechatAuthRoutes,
  shopRoutes,
  adminRoutes,
  engagementRoutes,
  storeRoutes,
  agentRoutes,
  promotionsRoutes,
  loyaltyRoutes,
  growthRoutes,
  contestsRoutes,
  insightsRoutes,
  suppliersRoutes,
  dealersRoutes,
  payoutBatchRoutes,
  payoutChannelRoutes,
  statementRoutes,
  jobsRoutes,
  afterSalesRoutes,
  showcaseRoutes,
  addressRoutes,
  bargainsRoutes,
  groupBuyRoutes,
  wechatReachRoutes,
  riskRoutes,
  flashSalesRoutes,
  storefrontRoutes,
];

function featureRoutes(app: FastifyInstance, services: Services, auth: Auth): void {
  for (const routes of ROUTE_GROUPS) routes(app, services, auth);
  paymentRoutes(app, services, auth, { devRoutes: services.config.devPaymentProvider && services.config.appEnv !== 'production' });
  trackingRoutes(app, services);
}
