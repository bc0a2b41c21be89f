// 快递100's pushes (the parcel's whole path each time): verified by the adapter's signature check,
// applied to every parcel with that carrier and number, and answered as 快递100 documents — it pushes
// again unless told the push was recorded. A push that is not authentic changes nothing (400).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KUAIDI100_CALLBACK_PATH } from '../../config-tracking.js';
import { badRequest, notFound } from '../../errors.js';
import { TrackingCallbackError } from '../../modules/orders/index.js';
import type { Services } from '../../services.js';

export function trackingRoutes(app: FastifyInstance, s: Services) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(KUAIDI100_CALLBACK_PATH, {
    // a long path in URL-encoded Chinese runs past the form parser's usual 64 KB
    bodyLimit: 512 * 1024,
    schema: {
      tags: ['tracking'],
      summary: "快递100's tracking push (form fields param and sign = MD5(param + salt))",
      body: z.record(z.string(), z.string()),
      response: { 200: z.object({ result: z.boolean(), returnCode: z.string(), message: z.string() }) },
    },
  }, async (req) => {
    const tracking = s.tracking;
    if (!tracking || tracking.name !== 'kuaidi100') throw notFound('TRACKING_NOT_CONFIGURED', 'no tracking provider takes pushes here');
    let snapshot;
    try {
      snapshot = tracking.readCallback(req.body);
    } catch (error) {
      if (!(error instanceof TrackingCallbackError)) throw error;
      req.log.warn({ problem: error.problem }, 'tracking push refused');
      throw badRequest('TRACKING_CALLBACK_INVALID', `the push is not authentic or not readable (${error.problem})`);
    }
    const parcels = await s.orders.applyTracking(snapshot);
    // a number we do not ship is recorded nowhere, and answered as taken: pushing it again helps nobody
    if (parcels === 0) req.log.info({ carrier: snapshot.carrierCode }, 'tracking push for no parcel of ours');
    return tracking.callbackAnswer(true) as { result: boolean; returnCode: string; message: string };
  });
}
