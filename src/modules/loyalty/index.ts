// The loyalty feature: points, daily sign-in, notes with likes and a reward, the points mall,
// badges and honour. Wired from the core (see src/services.ts); earns and takes back points as an
// order participant.
import type { CoreServices } from '../../services.js';
import { BadgesService } from './badges.js';
import { MallService, type CouponGranter } from './mall.js';
import { NotesService } from './notes.js';
import { PointsService } from './points.js';
import { LoyaltySettingsService } from './settings.js';
import { SignInsService } from './sign-ins.js';

export type { CouponGranter } from './mall.js';

export class LoyaltyService {
  readonly settings: LoyaltySettingsService;
  readonly badges: BadgesService;
  readonly points: PointsService;
  readonly signIns: SignInsService;
  readonly notes: NotesService;
  readonly mall: MallService;

  constructor(core: CoreServices) {
    const { db, clock, audit } = core;
    this.settings = new LoyaltySettingsService(db, clock, audit);
    this.badges = new BadgesService(clock);
    this.points = new PointsService(db, clock, this.settings, this.badges, audit);
    this.signIns = new SignInsService(db, clock, this.settings, this.points, this.badges);
    this.notes = new NotesService(db, clock, this.settings, this.points, this.badges, core.commission, audit);
    this.mall = new MallService(db, clock, this.points, audit);
  }

  /** The promotions feature grants coupons for coupon items; until it is set they are refused. */
  setCouponGranter(fn: CouponGranter): void {
    this.mall.setCouponGranter(fn);
  }
}

export function createLoyalty(core: CoreServices) {
  const loyalty = new LoyaltyService(core);
  core.orders.addParticipant({
    name: 'loyalty',
    // points are not money: after the payment commits, through the orders module's outbox
    later: {
      async onPaid(tx, order) {
        // also awards the first_order badge, in the same statement as the points
        await loyalty.points.earnForPaidOrder(tx, order);
      },
      async onRefunded(tx, refund) {
        await loyalty.points.takeBackForRefund(tx, refund);
      },
    },
  });
  return { loyalty };
}
export { seedLoyalty } from './demo.js';
export { countRedemptionsToFulfil } from './todo.js';
