// Every feature's strings, merged into the console dictionaries by i18n.ts.
import type { FeatureDictionary } from './types';
import { dictionary as promotions } from './promotions/i18n';
import { dictionary as loyalty } from './loyalty/i18n';
import { dictionary as growth } from './growth/i18n';
import { dictionary as contests } from './contests/i18n';
import { dictionary as insights } from './insights/i18n';
import { dictionary as suppliers } from './suppliers/i18n';
import { dictionary as dealers } from './dealers/i18n';
import { dictionary as channels } from './channels/i18n';
import { dictionary as statements } from './statements/i18n';
import { dictionary as jobs } from './jobs/i18n';
import { dictionary as compliance } from './compliance/i18n';
import { dictionary as approvals } from './approvals/i18n';
import { dictionary as risk } from './risk/i18n';
import { dictionary as todo } from '../pages/Dashboard.i18n';
import { dictionary as decoration } from './decoration/i18n';
import { dictionary as bargains } from './bargains/i18n';
import { dictionary as groupBuys } from './group-buys/i18n';
import { dictionary as flashSales } from './flash-sales/i18n';

const all: FeatureDictionary[] = [promotions, loyalty, growth, contests, insights, suppliers, dealers, channels, decoration, statements, jobs, approvals, compliance, risk, bargains, groupBuys, flashSales, todo];
export const FEATURE_ZH: Record<string, string> = Object.assign({}, ...all.map((d) => d.zh));
export const FEATURE_EN: Record<string, string> = Object.assign({}, ...all.map((d) => d.en));
