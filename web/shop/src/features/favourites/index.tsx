// 收藏 in the shop (see features/types.ts): the 我的收藏 page, its tile on the "me" page, and the
// heart on the product page (FavouriteButton, in the product page's action bar).
import { lazy, Suspense } from 'react';
import { Loading } from '../../components';
import { HeartIcon } from '../../icons';
import type { ShopFeature } from '../types';

const FavouritesPage = lazy(() => import('./FavouritesPage'));

export { FavouriteButton } from './FavouriteButton';

export const feature: ShopFeature = {
  routes: [{ path: '/favourites', element: <Suspense fallback={<Loading />}><FavouritesPage /></Suspense>, auth: true }],
  entries: [{ where: 'me', key: 'favourites', label: 'fav.entry', path: '/favourites', icon: <HeartIcon /> }],
};
