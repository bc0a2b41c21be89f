// Strings of the flash-sale pieces of the shop, zh and en (en must have every key zh has).
import type { FeatureDictionary } from '../types';

export const dictionary: FeatureDictionary = {
  zh: {
    'flashSale.home.section': '限时秒杀',
    'flashSale.home.title': '限时秒杀',
    'flashSale.running': '距结束 {time}',
    'flashSale.upcoming': '距开始 {time}',
    'flashSale.day': '天',
    'flashSale.left': '仅剩 {n} 件',
    'flashSale.soldOut': '已抢光',
    'flashSale.soldPercent': '已抢 {pct}%',
    'flashSale.panel.title': '限时秒杀',
    'flashSale.panel.limit': '每人限购 {n} 件',
    'flashSale.panel.skuNotIn': '所选规格不参加秒杀',
    'flashSale.panel.buy': '立即抢购',
    'flashSale.panel.notStarted': '即将开抢',
    'flashSale.panel.ended': '已结束',
  },
  en: {
    'flashSale.home.section': 'Flash sale',
    'flashSale.home.title': 'Flash sale',
    'flashSale.running': 'Ends in {time}',
    'flashSale.upcoming': 'Starts in {time}',
    'flashSale.day': 'd',
    'flashSale.left': 'Only {n} left',
    'flashSale.soldOut': 'Sold out',
    'flashSale.soldPercent': '{pct}% claimed',
    'flashSale.panel.title': 'Flash sale',
    'flashSale.panel.limit': 'Limit {n} per customer',
    'flashSale.panel.skuNotIn': 'This option is not in the flash sale',
    'flashSale.panel.buy': 'Grab it now',
    'flashSale.panel.notStarted': 'Starting soon',
    'flashSale.panel.ended': 'Ended',
  },
};
