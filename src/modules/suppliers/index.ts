// The suppliers feature: its services, wired from the core (see src/services.ts). Suppliers settle
// on every paid order through an order participant, and appear as a 'supplier' party in /api/me so
// the console opens their pages.
import type { CoreServices } from '../../services.js';
import { SuppliersService } from './service.js';

export function createSuppliers(core: CoreServices) {
  const suppliers = new SuppliersService(core);
  core.orders.addParticipant({
    name: 'suppliers',
    onPaid: (tx, order, afterCommit) => suppliers.settlePaidOrder(tx, order, afterCommit),
    // a return on its lines the supplier let the review deadline pass on goes to its address
    returnAddressFor: (tx, request) => suppliers.afterSales.returnAddressFor(tx, request),
  });
  core.extensions.addPartyResolver(async (ex, memberId) => {
    const supplier = await suppliers.ofMember(ex, memberId);
    return supplier ? [{ kind: 'supplier', id: supplier.id, name: supplier.companyName }] : [];
  });
  return { suppliers };
}
export { seedSuppliers } from './demo.js';
export { countPendingProposals } from './todo.js';
