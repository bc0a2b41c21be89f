// Demo data of the insights feature: none of its own. Its screens read the orders, visits and
// earnings other features' demo seeds create, and show empty states where there are none.
import type { Services } from '../../services.js';

export async function seedInsights(_services: Services): Promise<void> {}
