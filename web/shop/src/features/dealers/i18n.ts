// Strings of the dealers pages, zh and en (en must have every key zh has).
import type { FeatureDictionary } from '../types';

const zh = {
  'dealer.entry.mine': '我的订货店',
  'dealer.shop.title': '订货商店铺',
  'dealer.shop.subtitle': '总部授权经销 · 总部发货',
  'dealer.shop.empty': '店铺暂无现货',
  'dealer.shop.stock': '现货 {n} 件',
  'dealer.shop.buy': '立即购买',
  'dealer.mine.title': '我的订货店',
  'dealer.mine.notDealer': '您还不是订货商，如需开店请联系总部授权',
  'dealer.mine.tier': '{tier} · 货源：{upper}',
  'dealer.mine.hq': '总部',
  'dealer.mine.open': '查看店铺',
  'dealer.mine.copy': '复制店铺链接',
  'dealer.mine.copied': '店铺链接已复制',
  'dealer.mine.pending': '待结算',
  'dealer.mine.frozen': '冻结中',
  'dealer.mine.available': '可提现',
  'dealer.mine.lower': '下级进货收入',
  'dealer.mine.stock': '我的库存',
  'dealer.mine.prices': '零售 {retail} · 订货价 {dealer}',
  'dealer.mine.restockHint': '进货请登录管理后台「订货商 › 我的库存与进货」',
} as const;

const en: Record<keyof typeof zh, string> = {
  'dealer.entry.mine': 'My dealer shop',
  'dealer.shop.title': 'Dealer shop',
  'dealer.shop.subtitle': 'Authorised by HQ · shipped by HQ',
  'dealer.shop.empty': 'Nothing in stock right now',
  'dealer.shop.stock': '{n} in stock',
  'dealer.shop.buy': 'Buy now',
  'dealer.mine.title': 'My dealer shop',
  'dealer.mine.notDealer': 'You are not a dealer yet; HQ authorises dealer shops',
  'dealer.mine.tier': '{tier} · source: {upper}',
  'dealer.mine.hq': 'HQ',
  'dealer.mine.open': 'Open my shop',
  'dealer.mine.copy': 'Copy shop link',
  'dealer.mine.copied': 'Shop link copied',
  'dealer.mine.pending': 'Pending',
  'dealer.mine.frozen': 'Frozen',
  'dealer.mine.available': 'Available',
  'dealer.mine.lower': 'From lower dealers',
  'dealer.mine.stock': 'My stock',
  'dealer.mine.prices': 'Retail {retail} · dealer price {dealer}',
  'dealer.mine.restockHint': 'Restock in the console: Order-dealers › My stock & restock',
};

export const dictionary: FeatureDictionary = { zh, en };
