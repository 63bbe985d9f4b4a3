import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GeneratorError } from './errors.js';

/** Writes generated files under `dir` (created if needed), refusing any path that would leave it. */
export async function writeApp(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  const root = resolve(dir);
  for (const [path, content] of files) {
    const target = resolve(root, path);
    if (!target.startsWith(root + sep)) throw new GeneratorError('INVALID_APP_DIR', `Refusing to write ${JSON.stringify(path)}: it is outside ${root}.`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(join(target), content);
  }
}
