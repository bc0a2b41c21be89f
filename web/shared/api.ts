// Names for the generated API types (api-types.ts, from the server's /openapi.json): what a route
// answers, what it takes. Only routes with a zod response schema have an answer type; the others'
// answers are still written by hand in legacy-types.ts until their schema lands.
import type { paths } from './api-types';

export type { paths } from './api-types';

export type ApiPath = keyof paths;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON a route answers on success (its 200, else its 201). */
export type ResponseOf<P extends ApiPath, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R } ? (R extends { 200: infer Ok } ? Json<Ok> : R extends { 201: infer Created } ? Json<Created> : never) : never;

/** The JSON body a route takes. */
export type BodyOf<P extends ApiPath, M extends Method = 'post'> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query a route takes. */
export type QueryOf<P extends ApiPath, M extends Method = 'get'> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** One element of a list answer `{ items: T[] }`. */
export type ItemOf<T> = T extends { items: Array<infer I> } ? I : never;
