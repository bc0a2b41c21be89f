// Provider callbacks. They need the raw body (signatures cover it byte for byte).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';

/** devRoutes: the dev provider's notify and simulate routes, which exist only in development. */
export function paymentRoutes(app: FastifyInstance, s: Services, auth: Auth, options: { devRoutes: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/payments/wechatpay/notify', {
    schema: { tags: ['payments'], summary: 'WeChat Pay v3 notification (payments and refunds); signature, time and amount verified' },
  }, async (req, reply) => {
    try {
      await s.payments.handleWechatpayNotification(req.headers, req.rawBody ?? '');
      return reply.status(204).send();
    } catch (error) {
      // WeChat expects {code: FAIL, message} on refusal and retries later
      const status = error instanceof AppError ? error.status : 500;
      const code = error instanceof AppError ? error.code : 'INTERNAL';
      if (!(error instanceof AppError)) req.log.error({ err: error }, 'wechatpay notification failed');
      return reply.status(status).send({ code: 'FAIL', message: code });
    }
  });

  if (options.devRoutes) devPaymentRoutes(app, s, auth);
}

function devPaymentRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/payments/dev/notify', {
    schema: { tags: ['payments'], summary: 'Dev provider notification, HMAC-signed in X-Dev-Signature', headers: z.object({ 'x-dev-signature': z.string().max(128).optional() }).passthrough() },
  }, async (req) => ({ outcome: await s.payments.handleDevNotification(req.rawBody ?? '', req.headers['x-dev-signature'] as string | undefined) }));

  r.post('/api/payments/dev/simulate', {
    preHandler: auth.authenticate,
    schema: { tags: ['payments'], summary: 'Demo only: the dev provider completes my payment and notifies the server', body: z.object({ outTradeNo: z.string().min(8).max(64) }) },
  }, async (req) => ({ outcome: await s.payments.simulateDevPayment(member(req).id, req.body.outTradeNo) }));
}
