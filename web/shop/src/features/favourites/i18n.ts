// Strings of 收藏 (favourites), zh and en (en must have every key zh has).
import type { FeatureDictionary } from '../types';

const zh = {
  'fav.entry': '我的收藏',
  'fav.title': '我的收藏',
  'fav.add': '收藏',
  'fav.added': '已收藏',
  'fav.addedToast': '已加入收藏',
  'fav.removedToast': '已取消收藏',
  'fav.empty': '还没有收藏的商品',
  'fav.offSale': '已下架',
  'fav.remove': '取消收藏',
  'fav.count': '共 {n} 件',
};

const en: Record<keyof typeof zh, string> = {
  'fav.entry': 'Favourites',
  'fav.title': 'My favourites',
  'fav.add': 'Save',
  'fav.added': 'Saved',
  'fav.addedToast': 'Added to favourites',
  'fav.removedToast': 'Removed from favourites',
  'fav.empty': 'No favourites yet',
  'fav.offSale': 'Off sale',
  'fav.remove': 'Remove',
  'fav.count': '{n} items',
};

export const dictionary: FeatureDictionary = { zh, en };
