// The subset of negotiator 0.6 we use (the package ships no types).
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | string[] | undefined> });
    /** The best of `available` for the request's Accept-Language (a region matches its language), or undefined. */
    language(available: string[]): string | undefined;
  }
}
