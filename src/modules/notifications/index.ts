// The notifications module's face: what other modules and the app may use of it.
export { NotificationsService } from './service.js';
