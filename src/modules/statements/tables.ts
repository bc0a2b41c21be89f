// Row types of the statements module's tables, for Kysely.
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface StatementsTables {}
