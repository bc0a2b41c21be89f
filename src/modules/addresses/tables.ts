// Row types of the address book (047), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export interface MemberAddressesTable {
  id: Generated<number>;
  member_id: number;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  /** the district's GB/T 2260 code (decides the regional agent) */
  region_code: string;
  is_default: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface AddressesTables {
  member_addresses: MemberAddressesTable;
}
