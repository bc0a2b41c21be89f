// The storefront (issue 17): HQ's shop decoration (装修) — the console reads and saves it, the shop's
// home page reads what shows now — and a member's favourite products (收藏).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bannerLink, decorationInput, MAX_FAVOURITES } from '../../modules/storefront/index.js';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { mediaImageOut } from '../media.responses.js';
import { dateTime, intOut, noContent, pageOf, productOut } from '../responses.js';
import { page } from '../schemas.js';
import { adminGuards } from './admin-guards.js';

const placementOut = z.object({ key: z.string(), visible: z.boolean() });
const editorBannerOut = z.object({
  mediaId: intOut,
  image: mediaImageOut.nullable().describe('null only if the picture is gone'),
  title: z.string(),
  link: bannerLink.nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
});
const decorationEditorOut = z.object({
  version: intOut.describe('0: nothing saved yet (the shop shows its default home page); a save names this'),
  savedAt: dateTime.nullable(),
  savedBy: intOut.nullable(),
  builtInSections: z.array(z.string()).describe("the home page's own section keys, in the shop's default order"),
  banners: z.array(editorBannerOut),
  sections: z.array(placementOut),
  tiles: z.array(placementOut),
});
const shopDecorationOut = z.object({
  version: intOut.describe('0: nothing saved (the default home page)'),
  banners: z.array(z.object({ title: z.string(), link: bannerLink.nullable(), image: mediaImageOut })).describe('the banners showing now, in order'),
  sections: z.array(placementOut).describe('the saved order; a section not named comes after these, in its default order'),
  tiles: z.array(placementOut).describe('the saved order of the home tiles, by entry key; the same rule'),
});
const favouriteStateOut = z.object({ productId: intOut, favourite: z.boolean(), favouritedAt: dateTime.nullable() });
const favouriteOut = z.object({
  productId: intOut,
  favouritedAt: dateTime,
  onSale: z.boolean().describe('false: taken off sale since; kept in the list, marked'),
  product: productOut,
});
const productParams = z.object({ productId: z.coerce.number().int().positive() });

export function storefrontRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  decorationRoutes(app, s, auth);
  favouriteRoutes(app, s, auth);
}

/** 装修: HQ's side, then the shop's. */
function decorationRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { anyHq, operators } = adminGuards(auth);
  r.get('/api/admin/decoration', {
    preHandler: anyHq,
    schema: { tags: ['admin'], summary: "The shop's decoration (装修) as saved: banners with their windows, section and tile order", response: { 200: decorationEditorOut } },
  }, async () => s.decoration.editorView(s.db));
  r.put('/api/admin/decoration', {
    preHandler: operators,
    schema: {
      tags: ['admin'],
      summary: "Save the shop's decoration (装修), edited from `version` (an older one: 409 DECORATION_STALE); pictures and linked products must exist (422). Audited",
      body: decorationInput.extend({ version: z.number().int().min(0).describe('the version this edit started from (0: none saved yet)') }),
      response: { 200: decorationEditorOut },
    },
  }, async (req) => s.decoration.save(req.body, member(req).id));

  r.get('/api/shop/decoration', {
    schema: { tags: ['catalog'], summary: "What the home page shows: banners in their window now, the order and visibility of sections and tiles. ETag; cached briefly", response: { 200: shopDecorationOut, 304: noContent.describe('Not modified: the If-None-Match tag is current') } },
  }, async (req, reply) => {
    const view = await s.decoration.shopView(s.db);
    // the banners' windows open and close by the clock, so the tag is of what shows, not of the version
    const etag = `"${createHash('sha256').update(JSON.stringify(view)).digest('base64url').slice(0, 27)}"`;
    reply.header('cache-control', 'public, max-age=10').header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return view;
  });
}

/** 收藏: always the caller's own. */
function favouriteRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['members'];
  r.get('/api/me/favourites', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My favourite products, the newest first (one taken off sale stays, marked onSale: false)', querystring: page, response: { 200: pageOf(favouriteOut) } },
  }, async (req) => s.favourites.list(s.db, member(req).id, req.query));
  r.get('/api/me/favourites/:productId', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Whether a product is one of my favourites', params: productParams, response: { 200: favouriteStateOut } },
  }, async (req) => s.favourites.state(s.db, member(req).id, req.params.productId));
  r.put('/api/me/favourites/:productId', {
    preHandler: auth.authenticate,
    schema: { tags, summary: `Favourite a product on sale (idempotent; at most ${MAX_FAVOURITES}: 422 FAVOURITES_FULL)`, params: productParams, response: { 200: favouriteStateOut } },
  }, async (req) => s.favourites.add(member(req).id, req.params.productId));
  r.delete('/api/me/favourites/:productId', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Take a product out of my favourites (idempotent)', params: productParams, response: { 200: favouriteStateOut } },
  }, async (req) => s.favourites.remove(member(req).id, req.params.productId));
}
