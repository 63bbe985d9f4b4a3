import type { Output, Source } from '../app-spec.js';

type Located = { type: string };

function location(item: Source | Output): string | undefined {
  return 'target' in item ? item.target : ((item as Source).url ?? (item as Source).path ?? (item as Source).workstationPath);
}

function same(a: Source | Output, b: Source | Output): boolean {
  return a.type === b.type && location(a) === location(b);
}

/**
 * Merge sources (or outputs) a message names into those a spec has: a located one fills an
 * unlocated one of its type ("the CSV is data/sales.csv"), a correction replaces those of its
 * type ("send it to bob@… instead"), anything else is added.
 */
export function mergeLocated<T extends Source | Output>(previous: readonly T[], incoming: readonly T[], correction: boolean, limit: number): T[] {
  const result: T[] = previous.map((item) => ({ ...item }));
  const replacedTypes = new Set<string>();
  for (const item of incoming) {
    if (result.some((existing) => same(existing, item))) continue;
    const located = location(item) !== undefined;
    if (!located) {
      if (!result.some((existing) => existing.type === item.type)) push(result, item, limit);
      continue;
    }
    if (correction && !replacedTypes.has(item.type) && result.some((e) => e.type === item.type)) {
      replacedTypes.add(item.type);
      for (let i = result.length - 1; i >= 0; i--) if (result[i]!.type === item.type) result.splice(i, 1);
      push(result, item, limit);
      continue;
    }
    // A mail output without an address means "to the requester": a new address is added beside it.
    const open = item.type === 'email' ? -1 : result.findIndex((existing) => existing.type === item.type && location(existing) === undefined);
    if (open >= 0) result[open] = { ...item };
    else push(result, item, limit);
  }
  return result;
}

function push<T extends Located>(list: T[], item: T, limit: number): void {
  if (list.length < limit) list.push({ ...item });
}
