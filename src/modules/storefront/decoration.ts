// Shop decoration (装修): one current decoration that HQ saves from the console and the shop's home
// page follows. Each save is a new version naming the one it was edited from (optimistic
// concurrency: an edit of an older version is refused, DECORATION_STALE), checked against the
// pictures and products it names, and audited with before and after. The shop's view keeps only
// the banners whose window holds now, with their pictures' renditions.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { badRequest, conflict, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { MediaImageView, MediaService } from '../media/index.js';
import { bannerShows, BUILT_IN_SECTIONS, decorationInput, type BannerLink, type Decoration, type DecorationInput } from './decoration-schema.js';

/** the advisory-lock class of decoration saves (one decoration: the second key is always 0) */
const SAVE_LOCK = 50_001;

export interface SavedDecoration extends Decoration {
  /** 0: nothing saved yet (the shop's default home page) */
  version: number;
  savedAt: Date | null;
  savedBy: number | null;
}

export interface DecorationEditorView {
  version: number;
  savedAt: Date | null;
  savedBy: number | null;
  builtInSections: string[];
  banners: Array<Decoration['banners'][number] & { image: MediaImageView | null }>;
  sections: Decoration['sections'];
  tiles: Decoration['tiles'];
}

export interface ShopDecorationView {
  version: number;
  banners: Array<{ title: string; link: BannerLink | null; image: MediaImageView }>;
  sections: Decoration['sections'];
  tiles: Decoration['tiles'];
}

const NONE: Decoration = { banners: [], sections: [], tiles: [] };

export class DecorationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly media: MediaService,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
  ) {}

  /** The current decoration (version 0 and empty lists when none was ever saved). */
  async current(ex: Executor): Promise<SavedDecoration> {
    const row = await ex.selectFrom('storefront_decorations').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (!row) return { ...NONE, version: 0, savedAt: null, savedBy: null };
    // parsed again: a stored row always passed, and this fills defaults a later schema adds
    return { ...decorationInput.parse(row.content), version: row.version, savedAt: row.saved_at, savedBy: row.saved_by };
  }

  /** What the console edits: everything saved, each banner with its picture. */
  async editorView(ex: Executor): Promise<DecorationEditorView> {
    const d = await this.current(ex);
    const images = await this.media.describe(ex, d.banners.map((b) => b.mediaId));
    return {
      version: d.version,
      savedAt: d.savedAt,
      savedBy: d.savedBy,
      builtInSections: [...BUILT_IN_SECTIONS],
      banners: d.banners.map((b) => ({ ...b, image: images.get(b.mediaId) ?? null })),
      sections: d.sections,
      tiles: d.tiles,
    };
  }

  /** What the shop's home page shows now: banners in their window (with a picture), sections and tiles as saved. */
  async shopView(ex: Executor): Promise<ShopDecorationView> {
    const d = await this.current(ex);
    const now = this.clock.now();
    const showing = d.banners.filter((b) => bannerShows(b, now));
    const images = await this.media.describe(ex, showing.map((b) => b.mediaId));
    return {
      version: d.version,
      banners: showing.flatMap((b) => {
        const image = images.get(b.mediaId);
        return image ? [{ title: b.title, link: b.link, image }] : [];
      }),
      sections: d.sections,
      tiles: d.tiles,
    };
  }

  /** Saves a new version edited from `version` (0: the first); refuses a stale edit, unknown pictures and products. */
  async save(input: DecorationInput & { version: number }, actorId: number): Promise<DecorationEditorView> {
    const parsed = decorationInput.safeParse(input);
    if (!parsed.success) throw badRequest('DECORATION_INVALID', 'the decoration does not hold together', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const next = parsed.data;
    await this.checkReferences(next);
    await inTransaction(this.db, async (tx) => {
      await sql`select pg_advisory_xact_lock(${SAVE_LOCK}, 0)`.execute(tx);
      const before = await this.current(tx);
      if (before.version !== input.version) {
        throw conflict('DECORATION_STALE', `the decoration was saved by someone else meanwhile (version ${before.version}); reload it and make the change again`, { currentVersion: before.version });
      }
      const version = before.version + 1;
      await tx.insertInto('storefront_decorations').values({ version, content: JSON.stringify(next), saved_by: actorId }).execute();
      const { banners, sections, tiles } = before;
      await this.audit.record(tx, { actorId, action: 'decoration.update', targetType: 'decoration', targetId: version, before: before.version ? { version: before.version, banners, sections, tiles } : undefined, after: { version, ...next } });
    });
    return this.editorView(this.db);
  }

  /** Every banner's picture exists; a product link names a product (on sale or not: it may return). */
  private async checkReferences(d: Decoration): Promise<void> {
    const mediaIds = [...new Set(d.banners.map((b) => b.mediaId))];
    const found = await this.media.describe(this.db, mediaIds);
    const missingMedia = mediaIds.filter((id) => !found.has(id));
    if (missingMedia.length) throw unprocessable('DECORATION_MEDIA_NOT_FOUND', `no uploaded picture ${missingMedia.join(', ')}`, { mediaIds: missingMedia });
    const productIds = [...new Set(d.banners.flatMap((b) => (b.link?.kind === 'product' ? [b.link.productId] : [])))];
    if (productIds.length === 0) return;
    const products = await this.catalog.list(this.db, { ids: productIds, limit: productIds.length, offset: 0 });
    const missing = productIds.filter((id) => !products.some((p) => p.id === id));
    if (missing.length) throw unprocessable('DECORATION_PRODUCT_NOT_FOUND', `no product ${missing.join(', ')}`, { productIds: missing });
  }
}
