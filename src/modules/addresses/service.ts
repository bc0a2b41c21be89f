// The buyer's address book (收货地址): up to 20 addresses per member, one the default (the first one
// saved, until another is made default; deleting the default hands it to the newest left). Every
// read and write is scoped to the member: someone else's address is simply not found.
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';

export const MAX_ADDRESSES = 20;
/** the advisory-lock class of address books (the second key is the member) */
const BOOK_LOCK = 47_001;

export interface AddressInput {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  regionCode: string;
}

export interface SavedAddress extends AddressInput {
  id: number;
  isDefault: boolean;
}

type Row = { id: number; name: string; phone: string; province: string; city: string; district: string; detail: string; region_code: string; is_default: boolean };

const view = (r: Row): SavedAddress => ({ id: r.id, name: r.name, phone: r.phone, province: r.province, city: r.city, district: r.district, detail: r.detail, regionCode: r.region_code, isDefault: r.is_default });
const columns = (a: AddressInput) => ({ name: a.name, phone: a.phone, province: a.province, city: a.city, district: a.district, detail: a.detail, region_code: a.regionCode });

export class AddressBookService {
  constructor(private readonly db: Db) {}

  /** The member's addresses: the default first, then the newest. */
  async list(ex: Executor, memberId: number): Promise<SavedAddress[]> {
    const rows = await ex.selectFrom('member_addresses').selectAll().where('member_id', '=', memberId).orderBy('is_default', 'desc').orderBy('id', 'desc').execute();
    return rows.map(view);
  }

  async create(memberId: number, input: AddressInput & { isDefault?: boolean }): Promise<SavedAddress> {
    return inTransaction(this.db, async (tx) => {
      const count = await this.lockBook(tx, memberId);
      if (count >= MAX_ADDRESSES) throw unprocessable('ADDRESS_BOOK_FULL', `an address book holds at most ${MAX_ADDRESSES} addresses`, { max: MAX_ADDRESSES });
      const makeDefault = count === 0 || input.isDefault === true;
      if (makeDefault) await this.clearDefault(tx, memberId);
      const row = await tx.insertInto('member_addresses').values({ member_id: memberId, ...columns(input), is_default: makeDefault }).returningAll().executeTakeFirstOrThrow();
      return view(row);
    });
  }

  async update(memberId: number, id: number, input: AddressInput & { isDefault?: boolean }): Promise<SavedAddress> {
    return inTransaction(this.db, async (tx) => {
      await this.lockBook(tx, memberId);
      await this.mine(tx, memberId, id);
      if (input.isDefault === true) await this.clearDefault(tx, memberId);
      const row = await tx
        .updateTable('member_addresses')
        .set({ ...columns(input), ...(input.isDefault === true ? { is_default: true } : {}), updated_at: new Date() })
        .where('id', '=', id)
        .where('member_id', '=', memberId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return view(row);
    });
  }

  async setDefault(memberId: number, id: number): Promise<SavedAddress> {
    return inTransaction(this.db, async (tx) => {
      await this.lockBook(tx, memberId);
      await this.mine(tx, memberId, id);
      await this.clearDefault(tx, memberId);
      const row = await tx.updateTable('member_addresses').set({ is_default: true, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      return view(row);
    });
  }

  async remove(memberId: number, id: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await this.lockBook(tx, memberId);
      const row = await this.mine(tx, memberId, id);
      await tx.deleteFrom('member_addresses').where('id', '=', id).execute();
      if (!row.is_default) return;
      // the default goes to the newest address left, so a book with addresses always has one
      const next = await tx.selectFrom('member_addresses').select('id').where('member_id', '=', memberId).orderBy('id', 'desc').limit(1).executeTakeFirst();
      if (next) await tx.updateTable('member_addresses').set({ is_default: true }).where('id', '=', next.id).execute();
    });
  }

  /** Serialises one member's book changes (two devices adding the 20th at once) and answers its size. */
  private async lockBook(tx: Tx, memberId: number): Promise<number> {
    await sql`select pg_advisory_xact_lock(${BOOK_LOCK}, ${memberId % 2_147_483_647})`.execute(tx);
    const { n } = await tx.selectFrom('member_addresses').select((eb) => eb.fn.countAll<string>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
    return Number(n);
  }

  private async mine(tx: Tx, memberId: number, id: number): Promise<Row> {
    const row = await tx.selectFrom('member_addresses').selectAll().where('id', '=', id).where('member_id', '=', memberId).executeTakeFirst();
    if (!row) throw notFound('ADDRESS_NOT_FOUND', `address ${id} is not in your address book`);
    return row;
  }

  private async clearDefault(tx: Tx, memberId: number): Promise<void> {
    await tx.updateTable('member_addresses').set({ is_default: false }).where('member_id', '=', memberId).where('is_default', '=', true).execute();
  }
}
