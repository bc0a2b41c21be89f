// The contests screens of the console (see features/types.ts).
import type { AdminFeature } from '../types';

export const feature: AdminFeature = { screens: [] };
