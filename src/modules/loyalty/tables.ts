// Row types of the loyalty tables (migration owned by this module), for Kysely.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LoyaltyTables {}
