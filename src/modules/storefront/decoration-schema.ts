// What a decoration (装修) is, as zod: the route's body is this schema and the service parses with it
// again, so nothing else can store a decoration that would not pass. Pure: no database.
import { z } from 'zod';

/** The home page's own sections, in the shop's default order; feature sections (campaigns…) are the shop's. */
export const BUILT_IN_SECTIONS = ['banners', 'categories', 'entries', 'showcase', 'hot'] as const;
export type BuiltInSection = (typeof BUILT_IN_SECTIONS)[number];
/** A section key: built-in or a shop feature's (the server cannot know the shop's features, only their shape). */
export const SECTION_KEY = /^[a-z][a-z0-9-]{1,30}$/;
/** A home tile's key (a shop feature's entry key, e.g. growth-leaderboards-home). */
export const TILE_KEY = /^[a-z][a-z0-9-]{1,47}$/;
export const MAX_BANNERS = 8;
export const MAX_SECTIONS = 40;
export const MAX_TILES = 60;

/** Where tapping a banner goes: a product, a category's list, or a path of the shop (never another site). */
export const bannerLink = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('product'), productId: z.number().int().positive() }),
    z.object({ kind: z.literal('category'), category: z.string().trim().min(1).max(50) }),
    z.object({
      kind: z.literal('path'),
      // '/coupons', '/category?c=茶': one leading slash (a second would leave the shop), no spaces or backslashes
      path: z.string().max(200).regex(/^\/(?![/\\])[^\s\\]*$/, 'a shop path starting with one /'),
    }),
  ])
  .describe('where tapping the banner goes');

const instant = z.iso.datetime({ offset: true });

export const bannerInput = z
  .object({
    mediaId: z.number().int().positive().describe('an uploaded picture (POST /api/admin/media)'),
    title: z.string().trim().min(1).max(40).describe('shown on the banner, and its alternative text'),
    link: bannerLink.nullable().default(null),
    startsAt: instant.nullable().default(null).describe('shown from (inclusive); null: already'),
    endsAt: instant.nullable().default(null).describe('shown until (exclusive); null: no end'),
  })
  .refine((b) => !b.startsAt || !b.endsAt || Date.parse(b.startsAt) < Date.parse(b.endsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] });

const unique = (items: Array<{ key: string }>) => new Set(items.map((i) => i.key)).size === items.length;
const placement = (key: RegExp) => z.object({ key: z.string().regex(key), visible: z.boolean() });

export const decorationInput = z.object({
  banners: z.array(bannerInput).max(MAX_BANNERS).describe('the home carousel, in order'),
  sections: z
    .array(placement(SECTION_KEY))
    .max(MAX_SECTIONS)
    .refine(unique, 'a section is named once')
    .describe('the home sections in order; one the shop has and this does not name comes after these, in its default order'),
  tiles: z.array(placement(TILE_KEY)).max(MAX_TILES).refine(unique, 'a tile is named once').describe('the home tiles in order, by entry key; the same rule for unnamed ones'),
});

/** A decoration as stored (defaults filled in). */
export type Decoration = z.output<typeof decorationInput>;
export type DecorationInput = z.input<typeof decorationInput>;
export type BannerLink = z.output<typeof bannerLink>;

/** Whether a banner shows at this instant (its window, if any, holds it). */
export function bannerShows(b: Pick<Decoration['banners'][number], 'startsAt' | 'endsAt'>, at: Date): boolean {
  return (!b.startsAt || Date.parse(b.startsAt) <= at.getTime()) && (!b.endsAt || at.getTime() < Date.parse(b.endsAt));
}
