// The flash-sales feature (秒杀, 052): campaigns on chosen SKUs with their own price, stock moved out
// of the SKU's, a per-member limit and a commission mode; an order participant prices, takes and
// gives back the campaign's stock (participant.ts); a job ends campaigns at their end time.
import type { CoreServices } from '../../services.js';
import { flashSaleParticipant } from './participant.js';
import { FlashSalesService } from './service.js';

export type { FlashSaleItemView, FlashSaleState, FlashSaleView, ItemSales } from './reads.js';
export type { FlashSaleInput, FlashSaleItemInput } from './service.js';
export type { CommissionMode } from './tables.js';

export function createFlashSales(core: CoreServices) {
  const flashSales = new FlashSalesService(core.db, core.clock, core.catalog, core.audit);
  core.orders.addParticipant(flashSaleParticipant(core.catalog));
  // a campaign past its end time gives its unsold stock back to the SKUs, once
  core.extensions.addJob({ name: 'flash-sales.end-due', run: () => flashSales.endDue() });
  return { flashSales };
}
export { seedFlashSales } from './demo.js';
