import process from 'node:process';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

/** Resolves a relative path inside the data directory; refuses anything that would leave it. */
export function resolveInDataDir(dataDir, relativePath) {
  const root = resolve(dataDir);
  const target = resolve(root, relativePath);
  if (target !== root && !target.startsWith(root + sep)) {
    throw new Error(`"${relativePath}" points outside the data directory ${root}`);
  }
  return target;
}

/** Writes a file so that readers see either the old or the new content, never half of it. */
export async function writeFileAtomic(path, content) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Reads and parses a JSON file; returns `fallback` when the file does not exist yet. */
export async function readJsonFile(path, fallback) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return fallback;
    throw error;
  }
}
