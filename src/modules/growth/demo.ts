// Demo data of the growth feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedGrowth(_services: Services): Promise<void> {}
