/**
 * Prints the import arrows between the folders of apps/server/src (all arrows, and the ones that point
 * "up": into a folder that imports, directly or through others, back into the importer) and the largest files.
 * Run: node --import tsx apps/server/scripts/import-graph.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tree to measure: apps/server/src, or the folder given as the first argument (e.g. an older checkout). */
const SRC = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../src'));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The folder a file belongs to: `modules/<name>` for a module, else its top folder ('.' for src itself). */
export function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts[0] === 'modules' && parts.length > 2) return `modules/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : '.';
}

/**
 * Every relative import in src as [from file, to file]. Type-only imports of a module's `<module>-tables.ts`
 * (the DB interface in db/schema.ts is built from them) are erased at build time and not counted.
 */
export function importEdges(): [string, string][] {
  const edges: [string, string][] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8').replace(/import\s+type\s+[^;]*?from\s*['"][^'"]+-tables\.js['"]/g, '');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      edges.push([file, resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts')]);
    }
  }
  return edges;
}

/** Layers, top to bottom: entry points, the composition root, the modules, then shared infrastructure. */
export function layerOf(folder: string): number {
  if (folder === '.' || folder === 'cli') return 3;
  if (folder === 'composition') return 2;
  if (folder.startsWith('modules/')) return 1;
  return 0;
}

function main() {
  const arrows = new Map<string, Set<string>>();
  for (const [from, to] of importEdges()) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    if (!arrows.has(a)) arrows.set(a, new Set());
    arrows.get(a)!.add(b);
  }
  const reaches = (start: string, target: string) => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const node = stack.pop()!;
      if (node === target) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      stack.push(...(arrows.get(node) ?? []));
    }
    return false;
  };
  let total = 0;
  const upward: string[] = [];
  for (const [a, targets] of arrows) {
    for (const b of targets) {
      total++;
      if (reaches(b, a)) upward.push(`${a} -> ${b}`);
    }
  }
  const against = [...arrows].flatMap(([a, targets]) => [...targets].filter((b) => layerOf(b) > layerOf(a)).map((b) => `${a} -> ${b}`));
  const statements = importEdges().filter(([from, to]) => folderOf(from) !== folderOf(to)).length;
  console.log(`import statements between folders: ${statements}`);
  console.log(`folder arrows: ${total}`);
  console.log(`arrows pointing up a layer (shared -> module, module -> composition): ${against.length}`);
  for (const line of against.sort()) console.log(`  ${line}`);
  console.log(`arrows inside a cycle (point back up): ${upward.length}`);
  for (const line of upward.sort()) console.log(`  ${line}`);
  const sizes = files(SRC)
    .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
    .sort((x, y) => y.lines - x.lines)
    .slice(0, 10);
  console.log('largest files:');
  for (const { file, lines } of sizes) console.log(`  ${String(lines).padStart(4)}  ${file}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
