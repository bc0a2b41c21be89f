// Demo data of the suppliers feature, added by the demo seed after the core's.
import type { Services } from '../../services.js';

export async function seedSuppliers(_services: Services): Promise<void> {}
