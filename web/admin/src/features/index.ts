// Every feature's console screens and strings, in menu order.
import type { AdminFeature, FeatureDictionary, FeatureGroup, FeatureScreen } from './types';
import { feature as promotions } from './promotions';
import { feature as loyalty } from './loyalty';
import { feature as growth } from './growth';
import { feature as contests } from './contests';
import { feature as insights } from './insights';
import { feature as suppliers } from './suppliers';
import { feature as dealers } from './dealers';
import { feature as channels } from './channels';
import { feature as statements } from './statements';
import { feature as jobs } from './jobs';
import { feature as compliance } from './compliance';
import { feature as commission } from './commission';
import { feature as approvals } from './approvals';
import { feature as risk } from './risk';
import { feature as decoration } from './decoration';
import { feature as bargains } from './bargains';
import { feature as groupBuys } from './group-buys';
import { feature as flashSales } from './flash-sales';

export const FEATURES: AdminFeature[] = [commission, approvals, promotions, flashSales, bargains, groupBuys, loyalty, growth, contests, insights, suppliers, dealers, channels, decoration, statements, jobs, compliance, risk];
export const FEATURE_SCREENS: FeatureScreen[] = FEATURES.flatMap((f) => f.screens);
export const FEATURE_GROUPS: FeatureGroup[] = FEATURES.flatMap((f) => f.groups ?? []);
export type { FeatureDictionary };
