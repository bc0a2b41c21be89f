// The analytics module's face: what other modules and the app may use of it.
export { AnalyticsService } from './service.js';
