/**
 * A schema built the first time it is used instead of when its module loads. The deploy agent loads
 * every module of this package and @marketplace/mail at start-up, and building their ≈ 550 zod schemas
 * there allocated ≈ 5 MB (most of it garbage that grew the young generation) for an agent that, idle,
 * parses none of them (docs/decisions/0049). The stand-in forwards every read, `in`, key listing and
 * `instanceof` to the real schema, so callers, types and error messages are unchanged.
 *
 * Not for a schema carrying its own metadata (`.describe`, `.meta`) that other schemas embed: zod keys
 * metadata by the real object, so JSON Schema (OpenAPI) made through a reference to the stand-in would miss it.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined;
  const real = (): T => (schema ??= build());
  return new Proxy({} as T, {
    // The real schema is the receiver: zod's getters bind methods to `this`.
    get: (_, key) => Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property its (empty) target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
