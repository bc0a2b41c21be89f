// Demo data of the promotions feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedPromotions(_services: Services): Promise<void> {}
