// The rules module's face: what other modules and the app may use of it.
export type { CommissionOverride, RuleConfig, RuleConfigInput, RuleVersion } from './schema.js';
export { RulesService } from './service.js';
export { ruleChangeRoutes } from './routes.js';
export { MAX_LEVELS_WITHOUT_OVERRIDE, ruleConfigSchema } from './schema.js';
