// The audit module's face: what other modules and the app may use of it.
export { AuditService } from './service.js';
