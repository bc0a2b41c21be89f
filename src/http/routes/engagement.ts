// What keeps people sharing: the share link, the poster, and live income alerts (SSE) with an inbox.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { posterPicture } from '../../modules/posters/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { dateTime, eventStream, fenOut, file, intOut, noContent } from '../responses.js';
import { page } from '../schemas.js';
import { productOnSale } from './wechat-reach.js';

const notificationOut = z.object({
  id: intOut,
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  amountFen: fenOut.nullable(),
  readAt: dateTime.nullable(),
  createdAt: dateTime,
});

const HEARTBEAT_MS = 25_000;

/** The public origin the share link should use: PUBLIC_URL if set, else the request's host. */
function publicOrigin(request: FastifyRequest): string {
  if (process.env.PUBLIC_URL) return process.env.PUBLIC_URL.replace(/\/$/, '');
  return `${request.protocol}://${request.host}`;
}

export function engagementRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/me/share-link', {
    preHandler: auth.authenticate,
    schema: { tags: ['referral'], summary: 'My share link and invite code',
      querystring: z.object({ productId: z.coerce.number().int().positive().optional() }),
      response: { 200: z.object({ inviteCode: z.string(), path: z.string().describe('/s/CODE, with ?p=product'), url: z.string().describe('the path on the public origin') }) },
    },
  }, async (req) => {
    const me = member(req);
    const path = `/s/${me.inviteCode}${req.query.productId ? `?p=${req.query.productId}` : ''}`;
    return { inviteCode: me.inviteCode, path, url: `${publicOrigin(req)}${path}` };
  });

  r.get('/api/me/poster.png', {
    preHandler: auth.authenticate,
    schema: { tags: ['referral'], summary: 'My share poster (PNG) with a QR code of my share link, or with my 小程序码 for the mini-program (target=mini-program), optionally for a product',
      querystring: z.object({ productId: z.coerce.number().int().positive().optional(), target: z.enum(['h5', 'mini-program']).default('h5') }),
      response: { 200: file('The poster', 'image/png') },
    },
  }, async (req, reply) => {
    const me = member(req);
    const p = await productOnSale(s, req.query.productId);
    // the main picture's bytes from the media storage (never a fetch of its URL); the price is the lowest SKU's
    const picture = p ? await posterPicture(s.media, p.images.main, req.log) : undefined;
    const product = p ? { title: p.title, priceFen: p.minPriceFen, imageUrl: p.imageUrl, picture } : undefined;
    const path = `/s/${me.inviteCode}${req.query.productId ? `?p=${req.query.productId}` : ''}`;
    // the mini-program's poster carries its 小程序码 (cached per member); the H5's keeps the link's QR
    const miniProgramCode = req.query.target === 'mini-program' ? await s.wechatReach.codes.pngFor(me.id, { inviteCode: me.inviteCode, productId: p?.id }) : undefined;
    const png = await s.posters.render({ sharerName: me.nickname, shareUrl: `${publicOrigin(req)}${path}`, product, miniProgramCode });
    return reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=300').send(png);
  });

  r.get('/api/me/notifications', {
    preHandler: auth.authenticate,
    schema: { tags: ['notifications'], summary: 'My notification inbox', querystring: page, response: { 200: z.object({ items: z.array(notificationOut), unread: intOut }) } },
  }, async (req) => s.notifications.list(s.db, member(req).id, req.query.limit, req.query.offset));

  r.post('/api/me/notifications/read', {
    preHandler: auth.authenticate,
    schema: { tags: ['notifications'], summary: 'Mark notifications read (all when ids is omitted)', body: z.object({ ids: z.array(z.number().int().positive()).max(200).optional() }).optional(), response: { 204: noContent } },
  }, async (req, reply) => {
    await s.notifications.markRead(member(req).id, req.body?.ids);
    return reply.status(204).send();
  });

  r.get('/api/me/notifications/stream', {
    preHandler: auth.authenticate,
    schema: { tags: ['notifications'], summary: 'Server-sent events: each new notification as `event: notification` (token may be passed as ?access_token=); a reconnect with Last-Event-ID (header, or ?lastEventId=) first gets what it missed', querystring: z.object({ access_token: z.string().optional(), lastEventId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }),
      response: { 200: eventStream('`retry`, then `event: notification` with the notification as JSON data (id: its id); after Last-Event-ID, the notifications after it first; a comment every 25 s') },
    },
  }, async (req, reply) => {
    const me = member(req);
    const lastEventId = req.query.lastEventId ?? lastEventIdHeader(req.headers['last-event-id']);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 3000\n: connected\n\n`);
    let closeStream: (() => void) | undefined;
    let gone = false;
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    req.raw.on('close', () => {
      gone = true;
      clearInterval(heartbeat);
      closeStream?.();
    });
    try {
      const close = await s.notifications.openStream(me.id, lastEventId, (n) => res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`));
      if (gone) close();
      else closeStream = close;
    } catch (error) {
      // the replay could not be read (database away): the client reconnects with the same Last-Event-ID
      req.log.warn({ err: error }, 'notification stream could not open');
      clearInterval(heartbeat);
      res.end();
    }
  });
}

/** EventSource sends back the last `id:` it saw; it is ours, so anything but a plain id is refused. */
function lastEventIdHeader(header: string | string[] | undefined): number | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,15}$/.test(text ?? '')) throw badRequest('LAST_EVENT_ID_INVALID', 'Last-Event-ID must be a notification id');
  return Number(text);
}
