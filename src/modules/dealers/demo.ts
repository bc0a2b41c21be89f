// Demo data of the dealers feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedDealers(_services: Services): Promise<void> {}
