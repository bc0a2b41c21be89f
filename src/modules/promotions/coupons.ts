// Coupons (优惠券): HQ's templates, members' claims within quantity and per-member limits, pricing
// at checkout, use by one order, return on cancel, and the sharer's guide commission (导购返佣).
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { applyRateBp } from '../../money.js';
import type { AuditService } from '../audit/index.js';
import type { CommissionService } from '../commission/index.js';
import type { AfterCommit, CheckoutContext, OrderParticipant, PaidOrder, Quote } from '../orders/index.js';
import type { ReferralService } from '../referral/index.js';
import { addLineDiscounts, isEligible, priceCoupon, type CouponTerms } from './pricing.js';
import type { CouponKind, CouponTemplateStatus } from './tables.js';

const DAY_MS = 86_400_000;

export interface CouponTemplateInput {
  name: string;
  kind: CouponKind;
  offFen?: number | null;
  rateBp?: number | null;
  maxOffFen?: number | null;
  minSpendFen?: number;
  validFrom?: Date | null;
  validUntil?: Date | null;
  validDays?: number | null;
  totalQuantity: number;
  perMemberLimit: number;
  productIds?: number[] | null;
  guideRateBp?: number;
}

export type MyCouponFilter = 'usable' | 'used' | 'expired';

const TEMPLATE_COLUMNS = [
  't.id',
  't.name',
  't.kind',
  't.off_fen as offFen',
  't.rate_bp as rateBp',
  't.max_off_fen as maxOffFen',
  't.min_spend_fen as minSpendFen',
  't.valid_from as validFrom',
  't.valid_until as validUntil',
  't.valid_days as validDays',
  't.total_quantity as totalQuantity',
  't.per_member_limit as perMemberLimit',
  't.product_ids as productIds',
  't.guide_rate_bp as guideRateBp',
  't.status',
  't.issued_count as issuedCount',
  't.created_at as createdAt',
] as const;

const COUPON_COLUMNS = [
  'c.id',
  'c.template_id as templateId',
  't.name',
  't.kind',
  't.off_fen as offFen',
  't.rate_bp as rateBp',
  't.max_off_fen as maxOffFen',
  't.min_spend_fen as minSpendFen',
  't.product_ids as productIds',
  'c.status',
  'c.sharer_id as sharerId',
  'c.valid_from as validFrom',
  'c.valid_until as validUntil',
  'c.order_id as orderId',
  'c.discount_fen as discountFen',
  'c.used_at as usedAt',
  'c.claimed_at as claimedAt',
] as const;

type CouponRow = { productIds: number[] | null; kind: CouponKind; offFen: number | null; rateBp: number | null; maxOffFen: number | null; minSpendFen: number };

function termsOf(row: CouponRow): CouponTerms {
  return { kind: row.kind, offFen: row.offFen, rateBp: row.rateBp, maxOffFen: row.maxOffFen, minSpendFen: row.minSpendFen, productIds: row.productIds };
}

export class CouponsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly referral: ReferralService,
    private readonly commission: CommissionService,
  ) {}

  // ---- HQ: templates

  async createTemplate(actorId: number, input: CouponTemplateInput) {
    const values = validateTemplate(input);
    return inTransaction(this.db, async (tx) => {
      if (values.product_ids) {
        const ids = JSON.parse(values.product_ids) as number[];
        const found = await tx.selectFrom('products').select('id').where('id', 'in', ids).execute();
        if (found.length !== ids.length) throw unprocessable('PRODUCT_NOT_FOUND', 'a product in the coupon scope does not exist');
      }
      const row = await tx.insertInto('coupon_templates').values({ ...values, created_by: actorId, created_at: this.clock.now() }).returning('id').executeTakeFirstOrThrow();
      const template = await this.template(tx, row.id);
      await this.audit.record(tx, { actorId, action: 'coupon_template.create', targetType: 'coupon_template', targetId: row.id, after: template });
      return template;
    });
  }

  /** Stopping ends claims; coupons already claimed stay usable until they expire. */
  async setTemplateStatus(actorId: number, templateId: number, status: CouponTemplateStatus) {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.selectFrom('coupon_templates').select('status').where('id', '=', templateId).forUpdate().executeTakeFirst();
      if (!before) throw notFound('COUPON_TEMPLATE_NOT_FOUND', `coupon template ${templateId} does not exist`);
      if (before.status !== status) {
        await tx.updateTable('coupon_templates').set({ status }).where('id', '=', templateId).execute();
        await this.audit.record(tx, { actorId, action: 'coupon_template.status', targetType: 'coupon_template', targetId: templateId, before, after: { status } });
      }
      return this.template(tx, templateId);
    });
  }

  async template(ex: Executor, templateId: number) {
    const row = await this.templatesQuery(ex).where('t.id', '=', templateId).executeTakeFirst();
    if (!row) throw notFound('COUPON_TEMPLATE_NOT_FOUND', `coupon template ${templateId} does not exist`);
    return row;
  }

  async listTemplates(ex: Executor, filter: { status?: CouponTemplateStatus; limit: number; offset: number }) {
    let q = this.templatesQuery(ex);
    if (filter.status) q = q.where('t.status', '=', filter.status);
    return q.orderBy('t.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  }

  private templatesQuery(ex: Executor) {
    return ex
      .selectFrom('coupon_templates as t')
      .select([
        ...TEMPLATE_COLUMNS,
        sql<number>`(select count(*) from member_coupons c where c.template_id = t.id and c.status = 'used')`.as('usedCount'),
        sql<number>`(select coalesce(sum(c.discount_fen), 0) from member_coupons c where c.template_id = t.id and c.status = 'used')`.as('usedDiscountFen'),
      ]);
  }

  // ---- members: the coupon centre, claims, my coupons

  /** Active templates a member can still claim now (not sold out, window not over), with how many they hold. */
  async centre(ex: Executor, memberId: number | null) {
    const now = this.clock.now();
    const rows = await ex
      .selectFrom('coupon_templates as t')
      .select([
        ...TEMPLATE_COLUMNS,
        memberId === null
          ? sql<number>`0`.as('claimedByMe')
          : sql<number>`(select count(*) from member_coupons c where c.template_id = t.id and c.member_id = ${memberId})`.as('claimedByMe'),
      ])
      .where('t.status', '=', 'active')
      .where((eb) => eb.or([eb('t.valid_until', 'is', null), eb('t.valid_until', '>', now)]))
      .orderBy('t.id', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => ({ ...r, soldOut: r.issuedCount >= r.totalQuantity, canClaim: r.issuedCount < r.totalQuantity && r.claimedByMe < r.perMemberLimit }));
  }

  /**
   * A claim locks the template row, so the total quantity and the member's limit hold however many
   * claims arrive at once. Through a distributor's link the sharer is kept on the coupon.
   */
  async claim(memberId: number, templateId: number, sharerInviteCode?: string) {
    return inTransaction(this.db, async (tx) => {
      const now = this.clock.now();
      let sharerId: number | null = null;
      if (sharerInviteCode) {
        const sharer = await this.referral.memberByInviteCode(tx, sharerInviteCode);
        if (!sharer) throw unprocessable('INVITE_CODE_NOT_FOUND', 'the sharer’s invite code does not exist');
        // only a distributor earns guide commission, and nobody earns on their own coupon
        if (sharer.isDistributor && sharer.id !== memberId) sharerId = sharer.id;
      }
      const couponId = await this.issue(tx, memberId, templateId, sharerId, now);
      return this.coupon(tx, memberId, couponId);
    });
  }

  /**
   * A coupon given rather than claimed (the points mall), inside the caller's transaction, under the
   * same quantity and per-member limits as a claim.
   */
  async grant(tx: Tx, memberId: number, templateId: number): Promise<number> {
    return this.issue(tx, memberId, templateId, null, this.clock.now());
  }

  private async issue(tx: Tx, memberId: number, templateId: number, sharerId: number | null, now: Date): Promise<number> {
      const template = await tx.selectFrom('coupon_templates').selectAll().where('id', '=', templateId).forUpdate().executeTakeFirst();
      if (!template) throw notFound('COUPON_TEMPLATE_NOT_FOUND', `coupon template ${templateId} does not exist`);
      if (template.status !== 'active') throw unprocessable('COUPON_TEMPLATE_STOPPED', 'this coupon is no longer handed out');
      if (template.valid_until && template.valid_until <= now) throw unprocessable('COUPON_TEMPLATE_EXPIRED', 'this coupon’s validity has ended');
      if (template.issued_count >= template.total_quantity) throw conflict('COUPON_SOLD_OUT', 'all of these coupons have been claimed');
      const held = await tx
        .selectFrom('member_coupons')
        .select(sql<number>`count(*)`.as('n'))
        .where('template_id', '=', templateId)
        .where('member_id', '=', memberId)
        .executeTakeFirstOrThrow();
      if (held.n >= template.per_member_limit) throw conflict('COUPON_LIMIT_REACHED', `each member may claim this coupon ${template.per_member_limit} time(s)`);
      const validFrom = template.valid_days === null ? template.valid_from! : now;
      const validUntil = template.valid_days === null ? template.valid_until! : new Date(now.getTime() + template.valid_days * DAY_MS);
      const coupon = await tx
        .insertInto('member_coupons')
        .values({ template_id: templateId, member_id: memberId, sharer_id: sharerId, valid_from: validFrom, valid_until: validUntil, claimed_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('coupon_templates').set((eb) => ({ issued_count: eb('issued_count', '+', 1) })).where('id', '=', templateId).execute();
      return coupon.id;
  }

  async coupon(ex: Executor, memberId: number, couponId: number) {
    const row = await ex
      .selectFrom('member_coupons as c')
      .innerJoin('coupon_templates as t', 't.id', 'c.template_id')
      .select(COUPON_COLUMNS)
      .where('c.id', '=', couponId)
      .where('c.member_id', '=', memberId)
      .executeTakeFirst();
    if (!row) throw notFound('COUPON_NOT_FOUND', `coupon ${couponId} is not yours or does not exist`);
    return row;
  }

  /** usable: unused and not past its end (maybe not started yet); used; expired: unused past its end, or returned after it. */
  async myCoupons(ex: Executor, memberId: number, filter: { status: MyCouponFilter; limit: number; offset: number }) {
    const now = this.clock.now();
    let q = ex
      .selectFrom('member_coupons as c')
      .innerJoin('coupon_templates as t', 't.id', 'c.template_id')
      .select(COUPON_COLUMNS)
      .where('c.member_id', '=', memberId);
    if (filter.status === 'usable') q = q.where('c.status', '=', 'unused').where('c.valid_until', '>', now).orderBy('c.valid_until').orderBy('c.id');
    else if (filter.status === 'used') q = q.where('c.status', '=', 'used').orderBy('c.used_at', 'desc').orderBy('c.id', 'desc');
    else q = q.where((eb) => eb.or([eb('c.status', '=', 'void'), eb.and([eb('c.status', '=', 'unused'), eb('c.valid_until', '<=', now)])])).orderBy('c.valid_until', 'desc').orderBy('c.id', 'desc');
    return q.limit(filter.limit).offset(filter.offset).execute();
  }

  /** The buyer's usable coupons against a priced cart: whether each applies and what it takes off. */
  async applicableTo(ex: Executor, memberId: number, quote: Quote) {
    const coupons = await this.myCoupons(ex, memberId, { status: 'usable', limit: 100, offset: 0 });
    const now = this.clock.now();
    return coupons
      .map((c) => {
        const { eligibleFen, offFen } = priceCoupon(quote, termsOf(c));
        const reason =
          c.validFrom > now ? 'COUPON_NOT_STARTED' : eligibleFen === 0 ? 'COUPON_NOT_APPLICABLE' : eligibleFen < c.minSpendFen ? 'COUPON_THRESHOLD_NOT_MET' : offFen === 0 ? 'COUPON_NOT_APPLICABLE' : null;
        return { ...c, usable: reason === null, reason, discountFen: reason === null ? offFen : 0 };
      })
      .sort((a, b) => Number(b.usable) - Number(a.usable) || b.discountFen - a.discountFen);
  }

  /** What a distributor's coupon links brought: claims through them, uses, and guide commission. */
  async sharerSummary(ex: Executor, sharerId: number) {
    const byTemplate = await ex
      .selectFrom('member_coupons as c')
      .innerJoin('coupon_templates as t', 't.id', 'c.template_id')
      .select([
        't.id as templateId',
        't.name',
        sql<number>`count(*)`.as('claims'),
        sql<number>`count(*) filter (where c.status = 'used')`.as('uses'),
      ])
      .where('c.sharer_id', '=', sharerId)
      .groupBy(['t.id', 't.name'])
      .orderBy('t.id', 'desc')
      .execute();
    const earned = await ex
      .selectFrom('commission_earnings')
      .select([sql<number>`coalesce(sum(amount_fen), 0)`.as('earnedFen'), sql<number>`coalesce(sum(reversed_fen), 0)`.as('reversedFen')])
      .where('earner_id', '=', sharerId)
      .where('kind', '=', 'coupon_guide')
      .executeTakeFirstOrThrow();
    return { templates: byTemplate, guideEarnedFen: earned.earnedFen, guideReversedFen: earned.reversedFen };
  }

  // ---- the order's life

  /**
   * Prices the buyer's coupon into the quote. Refuses a coupon that is not theirs (404), used,
   * not yet valid or expired, out of scope for every line, or below its threshold (422).
   */
  async priceCheckout(tx: Tx, ctx: CheckoutContext, quote: Quote): Promise<Quote> {
    if (ctx.input.couponId === undefined) return quote;
    const coupon = await this.coupon(tx, ctx.buyerId, ctx.input.couponId);
    if (coupon.status === 'used') throw unprocessable('COUPON_NOT_USABLE', 'this coupon has already been used');
    if (coupon.status === 'void') throw unprocessable('COUPON_NOT_USABLE', 'this coupon has expired');
    if (coupon.validFrom > ctx.now) throw unprocessable('COUPON_NOT_USABLE', `this coupon is valid from ${coupon.validFrom.toISOString()}`);
    if (coupon.validUntil <= ctx.now) throw unprocessable('COUPON_NOT_USABLE', 'this coupon has expired');
    const { eligibleFen, offFen, shares } = priceCoupon(quote, termsOf(coupon));
    if (eligibleFen === 0) throw unprocessable('COUPON_NOT_APPLICABLE', 'this coupon does not apply to any item in the order');
    if (eligibleFen < coupon.minSpendFen) {
      throw unprocessable('COUPON_THRESHOLD_NOT_MET', `this coupon needs ${coupon.minSpendFen} fen of eligible goods; the order has ${eligibleFen} fen`);
    }
    if (offFen === 0) throw unprocessable('COUPON_NOT_APPLICABLE', 'this coupon takes nothing off this order');
    return addLineDiscounts(quote, shares);
  }

  /** The order exists: the coupon is used by it. Of two checkouts racing for one coupon, the second finds it used. */
  async afterCheckout(tx: Tx, ctx: CheckoutContext & { orderId: number }): Promise<void> {
    if (ctx.input.couponId === undefined) return;
    // what the coupon's own pricing took off, kept by priceCheckout of this same checkout
    const discountFen = this.couponDiscountOf.get(ctx.input) ?? 0;
    const used = await tx
      .updateTable('member_coupons')
      .set({ status: 'used', order_id: ctx.orderId, used_at: ctx.now, discount_fen: discountFen })
      .where('id', '=', ctx.input.couponId)
      .where('member_id', '=', ctx.buyerId)
      .where('status', '=', 'unused')
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) throw conflict('COUPON_ALREADY_USED', 'this coupon was just used by another order');
  }

  /** An unpaid order closed: its coupon comes back while still valid; past its end it stays spent (void). */
  async onClosed(tx: Tx, order: { orderId: number; at: Date }): Promise<void> {
    const coupon = await tx.selectFrom('member_coupons').select(['id', 'valid_until']).where('order_id', '=', order.orderId).where('status', '=', 'used').forUpdate().executeTakeFirst();
    if (!coupon) return;
    const status = coupon.valid_until > order.at ? 'unused' : 'void';
    await tx.updateTable('member_coupons').set({ status, order_id: null, used_at: null, discount_fen: null }).where('id', '=', coupon.id).execute();
  }

  /**
   * Paid: a coupon claimed through a sharer's link pays the sharer guide commission — level 1, at the
   * template's rate on what each in-scope line paid after the coupon. It is a commission earning, so it
   * freezes on completion and reverses in proportion on refunds like distribution commission.
   */
  async onPaid(tx: Tx, order: PaidOrder, afterCommit: AfterCommit): Promise<void> {
    // a coupon is used only by the checkout that priced it, which refuses one taking nothing off, and it
    // takes its discount off the lines (pricing never gives a discount back): so when every line paid
    // its full price, the order used no coupon and there is nothing to look up
    if (order.lines.every((l) => l.paidFen === l.unitPriceFen * l.quantity)) return;
    const coupon = await tx
      .selectFrom('member_coupons as c')
      .innerJoin('coupon_templates as t', 't.id', 'c.template_id')
      .innerJoin('members as s', 's.id', 'c.sharer_id')
      .select(['c.sharer_id', 't.guide_rate_bp', 't.product_ids', 's.distributor_status'])
      .where('c.order_id', '=', order.orderId)
      .where('c.status', '=', 'used')
      .executeTakeFirst();
    if (!coupon || coupon.sharer_id === null || coupon.guide_rate_bp === 0 || coupon.distributor_status !== 'active') return;
    const planned = order.lines
      .filter((l) => isEligible({ productIds: coupon.product_ids }, l.productId))
      .map((l) => ({ earnerId: coupon.sharer_id!, lineId: l.lineId, level: 1, baseFen: l.paidFen, rateBp: coupon.guide_rate_bp, amountFen: applyRateBp(l.paidFen, coupon.guide_rate_bp) }))
      .filter((p) => p.amountFen > 0);
    await this.commission.recordEarnings(tx, { id: order.orderId, buyerId: order.buyerId }, planned, 'coupon_guide', order.ruleVersion, afterCommit);
  }

  /** priceCheckout's coupon discount per checkout input, for afterCheckout of the same checkout. */
  private readonly couponDiscountOf = new WeakMap<object, number>();

  participant(): OrderParticipant {
    return {
      name: 'coupons',
      priceCheckout: async (tx, ctx, quote) => {
        const priced = await this.priceCheckout(tx, ctx, quote);
        if (ctx.input.couponId !== undefined) this.couponDiscountOf.set(ctx.input, priced.discountFen - quote.discountFen);
        return priced;
      },
      afterCheckout: (tx, ctx) => this.afterCheckout(tx, ctx),
      onClosed: (tx, order) => this.onClosed(tx, order),
      onPaid: (tx, order, afterCommit) => this.onPaid(tx, order, afterCommit),
    };
  }
}

/** Checks a template's terms and returns its row values. */
function validateTemplate(input: CouponTemplateInput) {
  const bad = (message: string) => unprocessable('COUPON_TEMPLATE_INVALID', message);
  const offFen = input.offFen ?? null;
  const rateBp = input.rateBp ?? null;
  const minSpendFen = input.minSpendFen ?? 0;
  if (input.kind === 'fixed' || input.kind === 'threshold') {
    if (!offFen || offFen <= 0) throw bad('a fixed or threshold coupon needs offFen > 0');
    if (rateBp !== null) throw bad('only a percent coupon has a rate');
  }
  if (input.kind === 'threshold' && minSpendFen <= offFen!) throw bad('a threshold coupon needs minSpendFen above offFen');
  if (input.kind === 'percent') {
    if (!rateBp || rateBp < 1 || rateBp > 9_999) throw bad('a percent coupon needs rateBp between 1 and 9999 (the part taken off)');
    if (offFen !== null) throw bad('a percent coupon has no offFen');
  }
  if (input.kind !== 'percent' && input.maxOffFen != null) throw bad('only a percent coupon has a maximum');
  const window = input.validFrom != null || input.validUntil != null;
  if (window === (input.validDays != null)) throw bad('give either a validity window (validFrom and validUntil) or validDays after the claim');
  if (window && (!input.validFrom || !input.validUntil || input.validUntil <= input.validFrom)) throw bad('the validity window must end after it starts');
  const productIds = input.productIds?.length ? [...new Set(input.productIds)] : null;
  return {
    name: input.name,
    kind: input.kind,
    off_fen: offFen,
    rate_bp: rateBp,
    max_off_fen: input.maxOffFen ?? null,
    min_spend_fen: minSpendFen,
    valid_from: input.validFrom ?? null,
    valid_until: input.validUntil ?? null,
    valid_days: input.validDays ?? null,
    total_quantity: input.totalQuantity,
    per_member_limit: input.perMemberLimit,
    product_ids: productIds ? JSON.stringify(productIds) : null,
    guide_rate_bp: input.guideRateBp ?? 0,
  };
}
