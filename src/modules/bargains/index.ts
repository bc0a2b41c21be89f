// The bargains feature (砍价): HQ's offers, members' bargains and friends' cuts, the order participant
// that sells a bargain at its reached price, and the job that expires what was not bought.
import type { CoreServices } from '../../services.js';
import { BargainsService } from './bargains.js';
import { BargainOffers } from './offers.js';
import { bargainParticipant } from './participant.js';

export function createBargains(core: CoreServices) {
  const bargainOffers = new BargainOffers(core.db, core.clock, core.audit);
  const bargains = new BargainsService(core.db, core.clock);
  core.orders.addParticipant(bargainParticipant());
  core.extensions.addJob({ name: 'bargains.expire', run: () => bargains.expireDue() });
  return { bargainOffers, bargains };
}
export { seedBargains } from './demo.js';
export { planCuts, decayFor, type Draw } from './plan.js';
export type { BargainStatus, HelperRule, OfferStatus, BargainsTables } from './tables.js';
