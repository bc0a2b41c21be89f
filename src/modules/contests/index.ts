// The contests feature: its services, wired from the core (see src/services.ts).
import type { CoreServices } from '../../services.js';

export function createContests(_core: CoreServices) {
  return {};
}
