// Paying: the shop starts a payment by provider and method, asks for the verified result, and the
// providers' callbacks come back here. Callbacks need the raw body (signatures cover it byte for byte).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../modules/payments/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { intOut, noContent, paymentOut } from '../responses.js';
import { idParams } from '../schemas.js';

const method = z.enum(PAYMENT_METHODS);
const provider = z.enum(['dev', 'wechatpay', 'alipay']);
/** A provider's default method, for clients that name only the provider. */
const DEFAULT_METHOD: Record<z.infer<typeof provider>, PaymentMethod> = { dev: 'dev', wechatpay: 'native', alipay: 'page' };

const outcomeOut = z.object({ outcome: z.enum(['applied', 'duplicate']) });

/** devRoutes: the dev provider's notify and simulate routes, which exist only in development. */
export function paymentRoutes(app: FastifyInstance, s: Services, auth: Auth, options: { devRoutes: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/payments/methods', {
    schema: { tags: ['payments'], summary: 'The payment methods enabled here (the shop offers those that fit where it runs)', response: { 200: z.object({ methods: z.array(z.object({ provider: z.string(), method })) }) } },
  }, async () => ({ methods: s.payments.methods() }));

  r.post('/api/orders/:id/pay', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['payments'],
      summary: 'Start paying an order: jsapi (inside WeChat), mp (mini-program), h5 (mobile browser), native (QR), wap / page (Alipay), dev',
      params: idParams,
      body: z.object({ provider, method: method.optional() }),
      response: { 200: z.object({ provider: z.string(), method, outTradeNo: z.string(), amountFen: z.number(), params: z.record(z.string(), z.unknown()) }) },
    },
  }, async (req) => {
    const chosen = req.body.method ?? DEFAULT_METHOD[req.body.provider];
    return s.payments.startPayment(member(req).id, req.params.id, { provider: req.body.provider, method: chosen, clientIp: req.ip, returnUrl: resultPage(s, req, req.params.id) });
  });

  r.post('/api/orders/:id/payment-check', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['payments'],
      summary: "The verified payment state of my order: asks the provider about open attempts now (the result page's source, never the redirect)",
      params: idParams,
      response: { 200: z.object({ orderId: intOut, status: z.string(), paid: z.boolean(), payments: z.array(paymentOut) }) },
    },
  }, async (req) => s.paymentChecks.checkOrder(member(req).id, req.params.id));

  r.post('/api/payments/wechatpay/notify', {
    schema: { tags: ['payments'], summary: 'WeChat Pay v3 notification (payments and refunds); signature, time, merchant, app and amount verified; a refusal answers {code: FAIL, message} with 4xx/5xx (WeChat retries)',
      response: { 204: noContent },
    },
  }, async (req, reply) => {
    try {
      await s.payments.handleWechatpayNotification(req.headers, req.rawBody ?? '');
      return reply.status(204).send();
    } catch (error) {
      // WeChat expects {code: FAIL, message} on refusal and retries later
      return refuse(req, reply, error, (code) => ({ code: 'FAIL', message: code }));
    }
  });

  r.post('/api/payments/alipay/notify', {
    schema: { tags: ['payments'], summary: 'Alipay asynchronous notification (form); RSA2 signature and app id verified; answers the text success (a refusal: fail, with 4xx/5xx)',
      response: { 200: { description: 'Taken: Alipay stops resending', content: { 'text/plain': { schema: z.literal('success') } } } },
    },
  }, async (req, reply) => {
    const params = (req.body ?? {}) as Record<string, string>;
    try {
      await s.payments.handleAlipayNotification(params);
      // Alipay stops resending only on exactly this text
      return reply.status(200).type('text/plain').send('success');
    } catch (error) {
      return refuse(req, reply, error, () => 'fail', 'text/plain');
    }
  });

  if (options.devRoutes) devPaymentRoutes(app, s, auth);
}

/** The shop's result page for an order: cashiers send the buyer back there, and it asks payment-check. */
function resultPage(s: Services, req: FastifyRequest, orderId: number): string {
  const base = s.config.publicUrl ?? `${req.protocol}://${req.host}`;
  return `${base}/pay/result?order=${orderId}`;
}

function refuse(req: FastifyRequest, reply: FastifyReply, error: unknown, body: (code: string) => unknown, type = 'application/json') {
  const status = error instanceof AppError ? error.status : 500;
  const code = error instanceof AppError ? error.code : 'INTERNAL';
  if (!(error instanceof AppError)) req.log.error({ err: error }, 'payment notification failed');
  else req.log.warn({ code }, 'payment notification refused');
  return reply.status(status).type(type).send(body(code));
}

function devPaymentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/payments/dev/notify', {
    schema: { tags: ['payments'], summary: 'Dev provider notification, HMAC-signed in X-Dev-Signature', headers: z.object({ 'x-dev-signature': z.string().max(128).optional() }).passthrough(), response: { 200: outcomeOut } },
  }, async (req) => ({ outcome: await s.payments.handleDevNotification(req.rawBody ?? '', req.headers['x-dev-signature'] as string | undefined) }));

  r.post('/api/payments/dev/simulate', {
    preHandler: auth.authenticate,
    schema: { tags: ['payments'], summary: 'Demo only: the dev provider completes my payment and notifies the server', body: z.object({ outTradeNo: z.string().min(8).max(64) }), response: { 200: outcomeOut } },
  }, async (req) => ({ outcome: await s.payments.simulateDevPayment(member(req).id, req.body.outTradeNo) }));
}
