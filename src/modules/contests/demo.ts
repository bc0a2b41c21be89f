// Demo data of the contests feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedContests(_services: Services): Promise<void> {}
