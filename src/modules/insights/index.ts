// The insights feature: value analytics and channel performance for HQ, wired from the core (see src/services.ts).
import type { CoreServices } from '../../services.js';
import { InsightsService } from './service.js';

export function createInsights(core: CoreServices) {
  return { insights: new InsightsService(core.clock) };
}
export { seedInsights } from './demo.js';
export { MEMBER_VALUE_SORTS } from './service.js';
