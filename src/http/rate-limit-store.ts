// @fastify/rate-limit's per-route limits (share-link visits, sign-in of a store's staff, contests,
// points) counted in the shared LimitStore (PostgreSQL, or Redis with REDIS_URL) instead of each
// instance's memory, so N instances allow what one does.
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { LimitStore } from '../modules/identity/index.js';

type Incr = FastifyRateLimitStore['incr'];

export function sharedRateLimitStore(limits: LimitStore): FastifyRateLimitStoreCtor {
  class SharedStore implements FastifyRateLimitStore {
    constructor(
      _options: FastifyRateLimitOptions,
      private readonly prefix = 'route:',
    ) {}

    incr(key: string, callback: Parameters<Incr>[1], timeWindow: number): void {
      const now = new Date();
      limits.hit(`${this.prefix}${key}`, timeWindow, now).then(
        (count) => callback(null, { current: count.hits, ttl: Math.max(0, count.resetAt.getTime() - now.getTime()) }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new SharedStore(routeOptions as FastifyRateLimitOptions, `route:${route?.method ?? ''}${route?.url ?? ''}:`);
    }
  }
  return SharedStore;
}
