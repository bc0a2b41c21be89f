// Row types of the promotions tables (migration owned by this module), for Kysely.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PromotionsTables {}
