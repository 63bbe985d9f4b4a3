/**
 * The web UI's window onto the server's OpenAPI document (`openapi.d.ts`, written by `npm run api-types`):
 * each route of `apiRoutes` looked up by name in the generated `paths`, so `types.ts` can name what a
 * route answers without copying it. A route the UI calls that the document lacks (wrong method or path)
 * fails `npm run typecheck` here; a route whose success answer is not JSON yields an error type that
 * fails wherever the UI reads it.
 *
 * Types only: nothing here runs or ships.
 */
import type { paths } from './openapi';
import type { apiRoutes } from './api-routes';

type Routes = typeof apiRoutes;
type Operation<N extends keyof Routes> = Routes[N]['path'] extends keyof paths ? paths[Routes[N]['path']][Lowercase<Routes[N]['method']> & keyof paths[Routes[N]['path']]] : never;
type Json<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type Success<N extends keyof Routes> = Operation<N> extends { responses: infer R } ? (R extends { 200: infer Ok } ? Json<Ok> : R extends { 201: infer Created } ? Json<Created> : R extends { 202: infer Accepted } ? Json<Accepted> : never) : never;

/** The JSON body of the route's success answer (200, 201 or 202), as the server documents it. */
export type Answer<N extends keyof Routes> = [Success<N>] extends [never] ? { error: `${N}: the OpenAPI document has no JSON success answer for this route` } : Success<N>;

/** Every route of `apiRoutes` with a method the document has for its path; the names of the others. */
type Undocumented = { [N in keyof Routes]: [Operation<N>] extends [never] ? N : [Operation<N>] extends [undefined] ? N : never }[keyof Routes];
type Expect<T extends true> = T;
/** Compiles only while every route the UI calls is in the document with that method. */
export type EveryRouteDocumented = Expect<[Undocumented] extends [never] ? true : { error: `not in the OpenAPI document: ${Undocumented}` }>;
