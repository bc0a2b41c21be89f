// What a bargain looks like to the shop (its page, 我的砍价) and to HQ (the bargains of an offer).
// Helpers' nicknames are masked; the starter's order is shown to the starter only.
import type { Clock } from '../../context.js';
import type { Db, Executor } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { maskName, maskPhone } from '../../privacy.js';
import type { BargainStatus } from './tables.js';

const BARGAIN_COLUMNS = [
  'b.id',
  'b.offer_id as offerId',
  'o.product_id as productId',
  'o.sku_id as skuId',
  'p.title',
  's.name as skuName',
  'p.image_url as imageUrl',
  'b.start_price_fen as startPriceFen',
  'b.floor_price_fen as floorPriceFen',
  'b.cut_fen as cutFen',
  'b.helpers_needed as helpersNeeded',
  'b.helped_count as helpedCount',
  'b.helper_rule as helperRule',
  'b.status',
  'b.order_id as orderId',
  'b.order_price_fen as orderPriceFen',
  'b.started_at as startedAt',
  'b.expires_at as expiresAt',
  'b.completed_at as completedAt',
  'b.bought_at as boughtAt',
] as const;

type Row = { status: BargainStatus; expiresAt: Date; orderId: number | null; startPriceFen: number; cutFen: number };

/** The status as of now: a live bargain past its time limit that no order holds is expired, whether or not the job ran. */
export function effectiveStatus(b: Pick<Row, 'status' | 'expiresAt' | 'orderId'>, now: Date): BargainStatus {
  return (b.status === 'open' || b.status === 'complete') && b.expiresAt <= now && b.orderId === null ? 'expired' : b.status;
}

export class BargainReads {
  constructor(
    protected readonly db: Db,
    protected readonly clock: Clock,
  ) {}

  private query(ex: Executor) {
    return ex
      .selectFrom('bargains as b')
      .innerJoin('bargain_offers as o', 'o.id', 'b.offer_id')
      .innerJoin('products as p', 'p.id', 'o.product_id')
      .innerJoin('product_skus as s', 's.id', 'o.sku_id')
      .innerJoin('members as m', 'm.id', 'b.starter_id');
  }

  private shape<T extends Row>(row: T) {
    return { ...row, status: effectiveStatus(row, this.clock.now()), currentPriceFen: row.startPriceFen - row.cutFen };
  }

  /** One bargain's progress (public: anyone with the link sees it), with the viewer's part in it. */
  async progress(ex: Executor, bargainId: number, viewerId: number | null) {
    const row = await this.query(ex).select([...BARGAIN_COLUMNS, 'b.starter_id as starterId', 'm.nickname', 'm.avatar_url as avatarUrl']).where('b.id', '=', bargainId).executeTakeFirst();
    if (!row) throw notFound('BARGAIN_NOT_FOUND', `bargain ${bargainId} does not exist`);
    const helps = await ex
      .selectFrom('bargain_helps as h')
      .innerJoin('members as m', 'm.id', 'h.helper_id')
      .select(['h.helper_id as helperId', 'h.seq', 'h.cut_fen as cutFen', 'h.created_at as createdAt', 'm.nickname', 'm.avatar_url as avatarUrl'])
      .where('h.bargain_id', '=', bargainId)
      .orderBy('h.seq')
      .execute();
    const { starterId, nickname, avatarUrl, orderId, orderPriceFen, ...rest } = this.shape(row);
    const isStarter = viewerId === starterId;
    return {
      ...rest,
      orderId: isStarter ? orderId : null,
      orderPriceFen: isStarter ? orderPriceFen : null,
      starter: { nickname: maskName(nickname), avatarUrl },
      helps: helps.map((h) => ({ seq: h.seq, nickname: maskName(h.nickname), avatarUrl: h.avatarUrl, cutFen: h.cutFen, createdAt: h.createdAt })),
      viewer: { isStarter, helped: viewerId !== null && helps.some((h) => h.helperId === viewerId) },
    };
  }

  /** 我的砍价: the member's bargains, newest first. */
  async mine(ex: Executor, memberId: number, page: { limit: number; offset: number }) {
    const rows = await this.query(ex).select(BARGAIN_COLUMNS).where('b.starter_id', '=', memberId).orderBy('b.id', 'desc').limit(page.limit).offset(page.offset).execute();
    return rows.map((r) => this.shape(r));
  }

  /** HQ: the bargains of an offer, newest first, with the starter (phone masked) and what the order paid. */
  async ofOffer(ex: Executor, offerId: number, filter: { status?: BargainStatus; limit: number; offset: number }) {
    const offer = await ex.selectFrom('bargain_offers').select('id').where('id', '=', offerId).executeTakeFirst();
    if (!offer) throw notFound('BARGAIN_OFFER_NOT_FOUND', `bargain offer ${offerId} does not exist`);
    let q = this.query(ex).select([...BARGAIN_COLUMNS, 'b.starter_id as starterId', 'm.nickname', 'm.phone']).where('b.offer_id', '=', offerId);
    // the stored status, with the due-but-not-yet-swept ones under expired (as shape() shows them)
    const now = this.clock.now();
    if (filter.status === 'expired') q = q.where((eb) => eb.or([eb('b.status', '=', 'expired'), eb.and([eb('b.status', 'in', ['open', 'complete']), eb('b.expires_at', '<=', now), eb('b.order_id', 'is', null)])]));
    else if (filter.status === 'open' || filter.status === 'complete') q = q.where('b.status', '=', filter.status).where((eb) => eb.or([eb('b.expires_at', '>', now), eb('b.order_id', 'is not', null)]));
    else if (filter.status) q = q.where('b.status', '=', filter.status);
    const rows = await q.orderBy('b.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({ ...this.shape(r), phone: maskPhone(r.phone) }));
  }
}
