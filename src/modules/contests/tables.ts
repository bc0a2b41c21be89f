// Row types of the contests tables (migration owned by this module), for Kysely.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContestsTables {}
