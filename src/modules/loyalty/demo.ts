// Demo data of the loyalty feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedLoyalty(_services: Services): Promise<void> {}
