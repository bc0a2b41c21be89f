// Every feature's strings, merged into the shop dictionaries by i18n.ts.
import type { FeatureDictionary } from './types';
import { dictionary as promotions } from './promotions/i18n';
import { dictionary as loyalty } from './loyalty/i18n';
import { dictionary as growth } from './growth/i18n';
import { dictionary as contests } from './contests/i18n';
import { dictionary as dealers } from './dealers/i18n';
import { dictionary as channels } from './channels/i18n';
import { dictionary as favourites } from './favourites/i18n';
import { dictionary as flashSales } from './flash-sales/i18n';
import { dictionary as bargains } from './bargains/i18n';
import { dictionary as groupBuys } from './group-buys/i18n';

const all: FeatureDictionary[] = [promotions, loyalty, growth, contests, dealers, channels, favourites, flashSales, bargains, groupBuys];
export const FEATURE_ZH: Record<string, string> = Object.assign({}, ...all.map((d) => d.zh));
export const FEATURE_EN: Record<string, string> = Object.assign({}, ...all.map((d) => d.en));
