// Demo data of the insights feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedInsights(_services: Services): Promise<void> {}
