// The referral module's face: what other modules and the app may use of it.
export { ReferralService } from './service.js';
