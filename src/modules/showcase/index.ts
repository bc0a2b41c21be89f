// The showcase module's face: a distributor's mini-shop picks (选品).
export { MAX_PICKS, ShowcaseService } from './service.js';
export type { ShowcaseTables } from './tables.js';
