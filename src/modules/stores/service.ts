// Stores (门店): where they are, who works there, and the nearest ones to a buyer.
// Region protection: a customer is bound to one store (first pickup there, or scanning its QR code);
// every later paid order of theirs is credited to that store, wherever it is picked up, so no other
// store can claim them (no 撞单). Only HQ moves a customer, with a reason, audited.
import { sql } from 'kysely';
import type { Clock } from '../../context.js';
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { Extensions } from '../../extensions.js';
import { maskPhone } from '../../privacy.js';
import type { AuditService } from '../audit/index.js';
import type { OrderParticipant, PaidOrder, PickupStores } from '../orders/index.js';
import { withStoreTables, withStoreTablesTx, type StoreBindingSource } from './tables.js';

interface Attachments {
  orders: { addParticipant(participant: OrderParticipant): void; providePickupStores(stores: PickupStores): void };
  extensions: Extensions;
  clock: Clock;
}

export interface StoreInput {
  name: string;
  regionCode: string;
  address: string;
  latitude: number;
  longitude: number;
  openingHours?: string;
  phone?: string | null;
  status?: 'open' | 'closed';
}

const STORE_COLUMNS = ['id', 'name', 'region_code as regionCode', 'address', 'latitude', 'longitude', 'opening_hours as openingHours', 'phone', 'status'] as const;

export class StoresService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async create(actorId: number, input: StoreInput) {
    return inTransaction(this.db, async (tx) => {
      const store = await tx
        .insertInto('stores')
        .values({ name: input.name, region_code: input.regionCode, address: input.address, latitude: input.latitude, longitude: input.longitude, opening_hours: input.openingHours ?? '09:00-21:00', phone: input.phone ?? null, status: input.status ?? 'open' })
        .returning(STORE_COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(tx, { actorId, action: 'store.create', targetType: 'store', targetId: store.id, after: store });
      return store;
    });
  }

  async get(ex: Executor, id: number) {
    const store = await ex.selectFrom('stores').select(STORE_COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!store) throw notFound('STORE_NOT_FOUND', `store ${id} does not exist`);
    return store;
  }

  async list(ex: Executor) {
    return ex.selectFrom('stores').select(STORE_COLUMNS).orderBy('id').execute();
  }

  /** Open stores by great-circle distance from the buyer (haversine, metres). */
  async nearest(ex: Executor, latitude: number, longitude: number, limit: number) {
    const rows = await sql<{ id: number; name: string; regionCode: string; address: string; latitude: number; longitude: number; openingHours: string; phone: string | null; distanceM: number }>`
      select id, name, region_code as "regionCode", address, latitude, longitude, opening_hours as "openingHours", phone,
             round(2 * 6371000 * asin(sqrt(
               power(sin(radians(latitude - ${latitude}) / 2), 2)
               + cos(radians(${latitude})) * cos(radians(latitude)) * power(sin(radians(longitude - ${longitude}) / 2), 2)))) as "distanceM"
      from stores where status = 'open'
      order by "distanceM", id limit ${limit}`.execute(ex);
    return rows.rows;
  }

  async addStaff(actorId: number, storeId: number, memberId: number, role: 'manager' | 'clerk') {
    await inTransaction(this.db, async (tx) => {
      await this.get(tx, storeId);
      const member = await tx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
      if (!member) throw unprocessable('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      await tx.insertInto('store_staff').values({ store_id: storeId, member_id: memberId, role }).onConflict((oc) => oc.columns(['store_id', 'member_id']).doUpdateSet({ role })).execute();
      await this.audit.record(tx, { actorId, action: 'store.staff', targetType: 'store', targetId: storeId, after: { memberId, role } });
    });
  }

  async storesOfStaff(ex: Executor, memberId: number) {
    return ex.selectFrom('store_staff as st').innerJoin('stores as s', 's.id', 'st.store_id').select(['s.id', 's.name', 'st.role']).where('st.member_id', '=', memberId).orderBy('s.id').execute();
  }

  async isStaff(ex: Executor, storeId: number, memberId: number): Promise<boolean> {
    const row = await ex.selectFrom('store_staff').select('member_id').where('store_id', '=', storeId).where('member_id', '=', memberId).executeTakeFirst();
    return row !== undefined;
  }

  private clock: Clock | undefined;

  /** Joins the order flow (credit paid orders, bind on a first pickup) and resolves the 'store' party of staff. Once. */
  attach({ orders, extensions, clock }: Attachments): void {
    if (this.clock) return;
    this.clock = clock;
    orders.addParticipant({ name: 'stores', onPaid: (tx, order) => this.creditPaidOrder(tx, order) });
    orders.providePickupStores({
      isOpen: async (tx, storeId) => (await tx.selectFrom('stores').select('status').where('id', '=', storeId).executeTakeFirst())?.status === 'open',
      regionOf: async (tx, storeId) => (await tx.selectFrom('stores').select('region_code').where('id', '=', storeId).executeTakeFirstOrThrow()).region_code,
    });
    extensions.addPartyResolver(async (ex, memberId) => (await this.storesOfStaff(ex, memberId)).map((s) => ({ kind: 'store', id: s.id, name: s.name })));
  }

  private now(): Date {
    return this.clock?.now() ?? new Date();
  }

  /**
   * A paid order: a first pickup binds the buyer to that store; the order is credited to the
   * buyer's bound store (not the pickup store, when they differ). Unbound express orders credit nobody.
   * One statement either way (the pickup store comes with the order; it is the order row's store_id).
   */
  async creditPaidOrder(plain: Tx, order: PaidOrder): Promise<void> {
    if (order.storeId === null) {
      await sql`
        insert into store_order_credits (order_id, store_id, pickup_store_id, buyer_id, paid_at)
        select ${order.orderId}, store_id, null, ${order.buyerId}, ${order.paidAt} from store_customers where member_id = ${order.buyerId}
        on conflict (order_id) do nothing`.execute(plain);
      return;
    }
    const bound = await sql<{ bound_store_id: number | null }>`
      ${this.bindingStatement(order.buyerId, order.storeId, 'pickup', order.paidAt)},
      credit as (
        insert into store_order_credits (order_id, store_id, pickup_store_id, buyer_id, paid_at)
        select ${order.orderId}, store_id, ${order.storeId}, ${order.buyerId}, ${order.paidAt} from bound where store_id is not null
        on conflict (order_id) do nothing
      )
      select (select store_id from bound) as bound_store_id`.execute(plain);
    if (bound.rows[0].bound_store_id !== null) return;
    // bound by a transaction that committed while the statement ran (its snapshot is older): read it now
    const existing = await withStoreTablesTx(plain).selectFrom('store_customers').select('store_id').where('member_id', '=', order.buyerId).executeTakeFirstOrThrow();
    await withStoreTablesTx(plain)
      .insertInto('store_order_credits')
      .values({ order_id: order.orderId, store_id: existing.store_id, pickup_store_id: order.storeId, buyer_id: order.buyerId, paid_at: order.paidAt })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
  }

  /**
   * The start of one statement binding a customer who is not bound yet (with its history row): CTEs
   * `inserted` (the new binding's store, if it was made) and `bound` (the store the customer is bound
   * to; null only when a concurrent binding committed after the statement's snapshot).
   */
  private bindingStatement(memberId: number, storeId: number, source: StoreBindingSource, at: Date) {
    return sql`
      with inserted as (
        insert into store_customers (member_id, store_id, source, bound_at) values (${memberId}, ${storeId}, ${source}, ${at})
        on conflict (member_id) do nothing
        returning store_id
      ),
      history as (
        insert into store_customer_history (member_id, old_store_id, new_store_id, source, reason, actor_id, created_at)
        select ${memberId}, null, store_id, ${source}, null, null, ${at} from inserted
      ),
      bound as (
        select coalesce((select store_id from inserted), (select store_id from store_customers where member_id = ${memberId})) as store_id
      )`;
  }

  /** Binds a customer who is not bound yet; a bound customer stays where they are. Returns the store they are bound to. */
  private async bindIn(plain: Tx, memberId: number, storeId: number, source: StoreBindingSource, at: Date): Promise<{ storeId: number; newlyBound: boolean }> {
    const row = (
      await sql<{ inserted_store_id: number | null; bound_store_id: number | null }>`
        ${this.bindingStatement(memberId, storeId, source, at)}
        select (select store_id from inserted) as inserted_store_id, (select store_id from bound) as bound_store_id`.execute(plain)
    ).rows[0];
    if (row.inserted_store_id !== null) return { storeId: row.inserted_store_id, newlyBound: true };
    if (row.bound_store_id !== null) return { storeId: row.bound_store_id, newlyBound: false };
    // bound by a transaction that committed while the statement ran (its snapshot is older): read it now
    const existing = await withStoreTablesTx(plain).selectFrom('store_customers').select('store_id').where('member_id', '=', memberId).executeTakeFirstOrThrow();
    return { storeId: existing.store_id, newlyBound: false };
  }

  /** A customer scanned a store's QR code: bound there unless already bound (to it or another store). */
  async bindByScan(memberId: number, storeId: number) {
    return inTransaction(this.db, async (tx) => {
      const store = await this.get(tx, storeId);
      if (store.status !== 'open') throw unprocessable('STORE_NOT_AVAILABLE', 'this store is closed');
      const binding = await this.bindIn(tx, memberId, storeId, 'scan', this.now());
      return { ...binding, claimed: binding.storeId === storeId };
    });
  }

  async bindingOf(ex: Executor, memberId: number) {
    return withStoreTables(ex)
      .selectFrom('store_customers as c')
      .innerJoin('stores as s', 's.id', 'c.store_id')
      .select(['c.store_id as storeId', 's.name', 's.address', 's.region_code as regionCode', 's.opening_hours as openingHours', 's.phone', 'c.source', 'c.bound_at as boundAt'])
      .where('c.member_id', '=', memberId)
      .executeTakeFirst();
  }

  /** HQ moves a customer to another store (or binds an unbound one), with a reason; audited. */
  async rebind(actorId: number, memberId: number, storeId: number, reason: string) {
    return inTransaction(this.db, async (plain) => {
      const tx = withStoreTablesTx(plain);
      await this.get(plain, storeId);
      const member = await tx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
      if (!member) throw notFound('MEMBER_NOT_FOUND', `member ${memberId} does not exist`);
      const before = await tx.selectFrom('store_customers').select(['store_id', 'source']).where('member_id', '=', memberId).forUpdate().executeTakeFirst();
      if (before?.store_id === storeId) throw unprocessable('STORE_BINDING_UNCHANGED', `member ${memberId} is already bound to store ${storeId}`);
      const now = this.now();
      await tx
        .insertInto('store_customers')
        .values({ member_id: memberId, store_id: storeId, source: 'hq', bound_at: now })
        .onConflict((oc) => oc.column('member_id').doUpdateSet({ store_id: storeId, source: 'hq', bound_at: now }))
        .execute();
      await tx.insertInto('store_customer_history').values({ member_id: memberId, old_store_id: before?.store_id ?? null, new_store_id: storeId, source: 'hq', reason, actor_id: actorId, created_at: now }).execute();
      await this.audit.record(plain, { actorId, action: 'store.customer.rebind', targetType: 'member', targetId: memberId, before: before ? { storeId: before.store_id } : null, after: { storeId }, reason });
      return { memberId, storeId, previousStoreId: before?.store_id ?? null };
    });
  }

  async bindingHistory(ex: Executor, memberId: number) {
    return withStoreTables(ex)
      .selectFrom('store_customer_history')
      .select(['id', 'old_store_id as oldStoreId', 'new_store_id as newStoreId', 'source', 'reason', 'actor_id as actorId', 'created_at as createdAt'])
      .where('member_id', '=', memberId)
      .orderBy('id')
      .execute();
  }

  /** Staff see only stores they work at: another store's id is a 404. */
  async requireStaff(ex: Executor, storeId: number, memberId: number) {
    if (!(await this.isStaff(ex, storeId, memberId))) throw notFound('STORE_NOT_FOUND', `store ${storeId} does not exist`);
  }

  /** Customers bound to a store, newest first; phones masked unless the viewer may see them. */
  async customersOf(ex: Executor, storeId: number, page: { limit: number; offset: number }, showPhones = false) {
    const rows = await withStoreTables(ex)
      .selectFrom('store_customers as c')
      .innerJoin('members as m', 'm.id', 'c.member_id')
      .select(['c.member_id as memberId', 'm.nickname', 'm.phone', 'c.source', 'c.bound_at as boundAt'])
      .select((eb) => [
        eb.selectFrom('store_order_credits as o').whereRef('o.buyer_id', '=', 'c.member_id').where('o.store_id', '=', storeId).select((e) => e.fn.countAll<number>().as('n')).as('orderCount'),
      ])
      .where('c.store_id', '=', storeId)
      .orderBy('c.bound_at', 'desc')
      .orderBy('c.member_id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map((r) => ({ ...r, phone: showPhones ? r.phone : maskPhone(r.phone), orderCount: Number(r.orderCount ?? 0) }));
  }

  /** Orders of a store: credited to it (its bound customers') or picked up there; newest first. */
  async ordersOf(ex: Executor, storeId: number, page: { limit: number; offset: number }) {
    return withStoreTables(ex)
      .selectFrom('orders as o')
      .leftJoin('store_order_credits as c', 'c.order_id', 'o.id')
      .innerJoin('members as m', 'm.id', 'o.buyer_id')
      .leftJoin('pickup_codes as p', 'p.order_id', 'o.id')
      .select(['o.id', 'o.order_no as orderNo', 'o.status', 'o.delivery_method as deliveryMethod', 'o.paid_fen as paidFen', 'o.refunded_fen as refundedFen', 'o.paid_at as paidAt', 'm.nickname as buyerNickname', 'c.store_id as creditedStoreId', 'o.store_id as pickupStoreId', 'p.redeemed_at as redeemedAt'])
      .where('o.paid_at', 'is not', null)
      .where((eb) => eb.or([eb('c.store_id', '=', storeId), eb('o.store_id', '=', storeId)]))
      .orderBy('o.paid_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  /** A store's figures: bound customers, credited sales net of refunds, pickups waiting and redeemed. */
  async performance(ex: Executor, storeId: number) {
    const store = await this.get(ex, storeId);
    const t = withStoreTables(ex);
    const customers = await t.selectFrom('store_customers').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', storeId).executeTakeFirstOrThrow();
    const credited = await t
      .selectFrom('store_order_credits as c')
      .innerJoin('orders as o', 'o.id', 'c.order_id')
      .select((eb) => [eb.fn.countAll<number>().as('orders'), eb.fn.coalesce(eb.fn.sum<number>(sql`o.paid_fen - o.refunded_fen`), eb.lit(0)).as('netFen')])
      .where('c.store_id', '=', storeId)
      .executeTakeFirstOrThrow();
    const pickups = await ex
      .selectFrom('pickup_codes')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('redeemed_at').as('redeemed')])
      .where('store_id', '=', storeId)
      .executeTakeFirstOrThrow();
    return {
      store,
      boundCustomers: Number(customers.n),
      creditedOrders: Number(credited.orders),
      creditedNetFen: Number(credited.netFen),
      pickupsRedeemed: Number(pickups.redeemed),
      pickupsWaiting: Number(pickups.total) - Number(pickups.redeemed),
    };
  }
}
