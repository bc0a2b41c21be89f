// The favourites endpoints the shop uses (answers typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import { request } from '../../api';

export type FavouriteState = ResponseOf<'/api/me/favourites/{productId}'>;
export type Favourite = ItemOf<ResponseOf<'/api/me/favourites'>>;

export const favouritesApi = {
  state: (productId: number) => request<FavouriteState>(`/api/me/favourites/${productId}`),
  add: (productId: number) => request<FavouriteState>(`/api/me/favourites/${productId}`, { method: 'PUT' }),
  remove: (productId: number) => request<FavouriteState>(`/api/me/favourites/${productId}`, { method: 'DELETE' }),
  list: (limit: number, offset: number) => request<{ total: number; items: Favourite[] }>('/api/me/favourites', { query: { limit, offset } }),
};
