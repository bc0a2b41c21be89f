// What every part of the orders module works with: the services it calls, the participants other
// modules registered, and the pickup stores port. OrdersService builds it once and hands it to each part.
import type { Clock, EventBus } from '../../context.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { CommissionService } from '../commission/index.js';
import type { MembersService } from '../members/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RulesService } from '../rules/index.js';
import type { OrderParticipant, PickupStores } from './participants.js';
import type { TrackingProvider } from './tracking.js';

export interface OrdersDeps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  catalog: CatalogService;
  rules: RulesService;
  commission: CommissionService;
  referral: ReferralService;
  members: MembersService;
  audit: AuditService;
  /** in registration order (pricing runs in this order) */
  participants: OrderParticipant[];
  pickupStores: { current?: PickupStores };
  /** the parcel-tracking provider, when one is configured (tracking.ts) */
  tracking: { current?: TrackingProvider };
}

/** A part of the orders module: its dependencies under their usual names. */
export abstract class OrdersPart {
  constructor(protected readonly deps: OrdersDeps) {}
  protected get db() {
    return this.deps.db;
  }
  protected get clock() {
    return this.deps.clock;
  }
  protected get participants() {
    return this.deps.participants;
  }
  protected get bus() {
    return this.deps.bus;
  }
  protected get catalog() {
    return this.deps.catalog;
  }
  protected get rules() {
    return this.deps.rules;
  }
  protected get commission() {
    return this.deps.commission;
  }
  protected get referral() {
    return this.deps.referral;
  }
  protected get members() {
    return this.deps.members;
  }
  protected get audit() {
    return this.deps.audit;
  }
}
