// The dealers feature (订货商): tiers, dealer shops, virtual stock, restocks and shop sales.
import type { CoreServices } from '../../services.js';
import { dealerSalesParticipant } from './sales.js';
import { DealersService } from './service.js';

export function createDealers(core: CoreServices) {
  const dealers = new DealersService(core.db, core.clock, core.commission, core.audit);
  core.orders.addParticipant(dealerSalesParticipant(core.commission));
  // an active dealer shop opens the dealer screens of the console to its member
  core.extensions.addPartyResolver(async (ex, memberId) => {
    const dealer = await dealers.ofMember(ex, memberId);
    return dealer && dealer.status === 'active' ? [{ kind: 'dealer', id: dealer.id, name: dealer.shop_name }] : [];
  });
  return { dealers };
}
export { seedDealers } from './demo.js';
export { countRestocksAwaitingPayment } from './todo.js';
