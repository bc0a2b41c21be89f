// The promotions feature: coupons (with the sharer's guide commission) and member levels with a
// member price. Pricing order at checkout: the core's 满减, then the member price, then the coupon.
import type { CoreServices } from '../../services.js';
import { CouponsService } from './coupons.js';
import { MemberLevelsService } from './levels.js';

export function createPromotions(core: CoreServices) {
  const memberLevels = new MemberLevelsService(core.db, core.clock, core.audit);
  const coupons = new CouponsService(core.db, core.clock, core.audit, core.referral, core.commission);
  // the member price must run before the coupon: a coupon's threshold and split see member prices
  core.orders.addParticipant(memberLevels.participant());
  core.orders.addParticipant(coupons.participant());
  return { coupons, memberLevels };
}
export { seedPromotions } from './demo.js';
