// Payout providers' callbacks and the receiver's side of a WeChat transfer:
// - POST /api/payouts/wechat/notify: MCHTRANSFER.BILL.FINISHED, verified by the transfer client over the raw
//   body; WeChat reads 200/204 as received and retries on 4xx/5xx with {code: 'FAIL', message};
// - GET /api/me/payouts/:id/wechat-confirm: what the shop hands to requestMerchantTransfer;
// - POST /api/me/payouts/:id/refresh: asks the provider now (limited per payout), answers the payout.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { presentPayout } from '../../modules/payouts/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { noContent } from '../responses.js';
import { idParams } from '../schemas.js';

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

const errorOut = z.object({ code: z.string(), message: z.string() });
const wechatFail = z.object({ code: z.literal('FAIL'), message: z.string() });

const payoutOut = z.object({
  id: z.number().int(),
  payoutNo: z.string(),
  memberId: z.number().int(),
  amountFen: z.number().int(),
  feeFen: z.number().int(),
  netFen: z.number().int(),
  channel: z.enum(['wechat', 'alipay', 'bank']),
  destination: z.record(z.string(), z.string()).describe('masked'),
  status: z.enum(['reviewing', 'processing', 'paid', 'rejected', 'failed']),
  attempts: z.number().int(),
  autoApproved: z.boolean(),
  rejectReason: z.string().nullable(),
  failureReason: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  createdAt: z.string(),
  awaitingConfirmation: z.boolean().describe('a WeChat transfer waits for the receiver to confirm it in WeChat'),
});

const present = (p: ReturnType<typeof presentPayout>) => ({ ...p, destination: p.destination, reviewedAt: iso(p.reviewedAt), paidAt: iso(p.paidAt), createdAt: iso(p.createdAt)! });

export function payoutChannelRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/payouts/wechat/notify', {
    schema: {
      tags: ['payouts'],
      summary: 'WeChat 商家转账 MCHTRANSFER.BILL.FINISHED: signature, time, merchant and amount verified; applied once',
      response: { 204: noContent, '4xx': wechatFail, '5xx': wechatFail },
    },
  }, async (req, reply) => {
    try {
      await s.payouts.handleNotification('wechat', req.headers, req.rawBody ?? '');
      return reply.status(204).send();
    } catch (error) {
      // WeChat's convention: a 4xx/5xx with {code: FAIL, message} makes it deliver again later
      const status = error instanceof AppError ? error.status : 500;
      const code = error instanceof AppError ? error.code : 'INTERNAL';
      if (!(error instanceof AppError)) req.log.error({ err: error }, 'wechat transfer notification failed');
      else req.log.warn({ code }, 'wechat transfer notification refused');
      return reply.status(status).send({ code: 'FAIL' as const, message: code });
    }
  });

  r.get('/api/me/payouts/:id/wechat-confirm', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['payouts'],
      summary: "The parameters of WeChat's requestMerchantTransfer for my withdrawal that waits for my confirmation (404 PAYOUT_NOT_FOUND; 409 PAYOUT_NOT_AWAITING_CONFIRMATION, PAYOUT_NOT_WECHAT)",
      params: idParams,
      response: {
        200: z.object({ mchId: z.string(), appId: z.string(), package: z.string() }),
        404: errorOut,
        409: errorOut,
      },
    },
  }, async (req) => s.payouts.confirmation(member(req).id, req.params.id));

  r.post('/api/me/payouts/:id/refresh', {
    preHandler: auth.authenticate,
    schema: {
      tags: ['payouts'],
      summary: 'Ask the provider about my withdrawal now and answer it (at most every 10 s per withdrawal: 429 PAYOUT_REFRESH_TOO_SOON with retryAfterSeconds)',
      params: idParams,
      body: z.object({}).strict().nullish(),
      response: {
        200: payoutOut,
        404: errorOut,
        429: errorOut.extend({ retryAfterSeconds: z.number().int() }),
      },
    },
  }, async (req) => present(await s.payouts.refresh(member(req).id, req.params.id)));
}
