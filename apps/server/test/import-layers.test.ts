import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allImportEdges, folderOf, importEdges, isAllowedTypeArrow, layerOf } from '../scripts/import-graph.js';

const SRC = join(import.meta.dirname, '../src');
const rel = (file: string) => relative(SRC, file);

/** The layout in docs/ARCHITECTURE.md: entry points → composition root → modules → shared infrastructure. */
describe('imports inside apps/server/src point one way', () => {
  const edges = importEdges();

  it('reads the import graph', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it("no module imports another module's routes", () => {
    const offending = edges.filter(([from, to]) => folderOf(from).startsWith('modules/') && folderOf(to) !== folderOf(from) && /-routes\.ts$/.test(to));
    expect(offending.map(([from, to]) => `${rel(from)} -> ${rel(to)}`)).toEqual([]);
  });

  it('shared infrastructure imports no module, and no module imports the composition root', () => {
    const offending = edges.filter(([from, to]) => layerOf(folderOf(to)) > layerOf(folderOf(from)));
    expect(offending.map(([from, to]) => `${rel(from)} -> ${rel(to)}`)).toEqual([]);
  });

  it('the one arrow from shared infrastructure up is db/ importing the composed DB type with `import type`', () => {
    const allowed = allImportEdges().filter(isAllowedTypeArrow);
    expect(allowed.map(([from, to]) => `${rel(from)} -> ${rel(to)}`)).toEqual(['db/schema.ts -> composition/database-schema.ts']);
    const plain = allImportEdges().filter(([from, to, typeOnly]) => !typeOnly && layerOf(folderOf(to)) > layerOf(folderOf(from)));
    expect(plain.map(([from, to]) => `${rel(from)} -> ${rel(to)}`)).toEqual([]);
  });

  it('no two folders import each other, directly or through others', () => {
    const arrows = new Map<string, Set<string>>();
    for (const [from, to] of edges) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a !== b) arrows.set(a, (arrows.get(a) ?? new Set()).add(b));
    }
    const reaches = (start: string, target: string, seen = new Set<string>()): boolean =>
      [...(arrows.get(start) ?? [])].some((next) => next === target || (!seen.has(next) && (seen.add(next), reaches(next, target, seen))));
    const cycles = [...arrows].flatMap(([a, targets]) => [...targets].filter((b) => reaches(b, a)).map((b) => `${a} -> ${b}`));
    expect(cycles).toEqual([]);
  });

  it('no package imports an app', () => {
    const packages = join(import.meta.dirname, '../../../packages');
    const files = readdirSync(packages, { recursive: true, encoding: 'utf8' }).filter((f) => /\/src\/.*\.tsx?$/.test(f) && !f.includes('node_modules'));
    const offending = files.filter((file) => /from\s+['"](?:@marketplace\/(?:server|web|agent)\b|[^'"]*\/apps\/)/.test(readFileSync(join(packages, file), 'utf8')));
    expect(files.length).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });
});
