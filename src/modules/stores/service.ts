// Stores (门店): where they are, who works there, and the nearest ones to a buyer.
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import type { AuditService } from '../audit/service.js';

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
}
