// Row types of the insights tables: none (013_insights.sql only adds indexes); kept for the Database merge.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InsightsTables {}
