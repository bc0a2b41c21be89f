// Strings of the contests screens, zh and en (en must have every key zh has).
import type { FeatureDictionary } from '../types';

export const dictionary: FeatureDictionary = { zh: {}, en: {} };
