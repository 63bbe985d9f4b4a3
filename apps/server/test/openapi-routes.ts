import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export interface DocumentedRoute {
  method: string;
  path: string;
  operation: any;
}

/** Every route in the OpenAPI document: the matrix and fuzz suites grow with it automatically. */
export async function documentedRoutes(app: FastifyInstance): Promise<DocumentedRoute[]> {
  const doc = (await app.inject('/docs/json')).json();
  const routes: DocumentedRoute[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[method]) routes.push({ method: method.toUpperCase(), path, operation: item[method] });
    }
  }
  return routes;
}

/**
 * A route that answers with a long-lived text/event-stream: inject() would wait for its end forever.
 * events.test.ts checks it through a real server (who sees what, across organisations).
 */
export const isEventStream = (route: DocumentedRoute): boolean => Boolean(route.operation.responses?.['200']?.content?.['text/event-stream']);

/** A plausible value for a JSON Schema: the smallest thing that passes validation, so a route gets past its schema. */
export function sample(schema: any, name = ''): unknown {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf) return sample(schema.anyOf.find((s: any) => s.type !== 'null') ?? schema.anyOf[0], name);
  if (schema.oneOf) return sample(schema.oneOf[0], name);
  if (schema.allOf) return sample(schema.allOf[0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], key);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, name));
    case 'integer':
    case 'number':
      return schema.minimum ?? schema.exclusiveMinimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'email' || /email/i.test(name)) return `probe-${randomUUID().slice(0, 8)}@example.test`;
      if (schema.format === 'uuid') return randomUUID();
      if (/password/i.test(name)) return 'a sufficiently long password';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

export const fillPath = (path: string, id: string) => path.replace(/\{[^}]+\}/g, id);

/** The route's URL with its path parameters set to `id` and its required query parameters sampled. */
export function urlFor(route: DocumentedRoute, id: string): string {
  const query = new URLSearchParams();
  for (const parameter of route.operation.parameters ?? []) {
    if (parameter.in === 'query' && parameter.required) query.set(parameter.name, String(sample(parameter.schema, parameter.name)));
  }
  const search = query.toString();
  return `${fillPath(route.path, id)}${search ? `?${search}` : ''}`;
}
