import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildApp, generateApp, writeApp } from '@marketplace/generators';

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw Object.assign(new Error(`cannot read ${what} ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`), { code: 'BAD_ARGUMENT' });
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(new Error(`${what} ${path} is not valid JSON: ${(error as Error).message}`), { code: 'BAD_ARGUMENT' });
  }
}

export function registerGenerate(program: Command): void {
  program
    .command('generate <spec.json>')
    .description('Generate and build an app from an AppSpec file')
    .requiredOption('--out <dir>', 'where to write the app (created; must be empty or new)')
    .option('--version <semver>', 'the app version', '1.0.0')
    .action(async (specPath: string, options: { out: string; version: string }) => {
      const spec = await readJsonFile(specPath, 'the AppSpec');
      const app = generateApp((spec as { spec?: unknown }).spec ?? spec, { version: options.version });
      await writeApp(options.out, app.files);
      const built = await buildApp(options.out);
      process.stdout.write(`generated ${app.manifest.kind} "${app.manifest.name}" ${app.manifest.version} in ${resolve(options.out)} (${app.files.size} files, dist/server.mjs ${built.bytes} bytes)\nrun it: PORT=8080 node ${resolve(options.out, 'dist/server.mjs')}\n`);
    });
}
