import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { extractSpec, formatSpec } from '@marketplace/spec';

export function registerSpec(program: Command): void {
  program
    .command('spec')
    .description('Print the AppSpec the built-in engine reads from a request in words (English or Polish)')
    .option('--text <text>', 'the request')
    .option('--file <path>', 'read the request from a file ("-" for standard input)')
    .option('--json', 'print JSON (with the open questions) instead of a summary')
    .action(async (options: { text?: string; file?: string; json?: boolean }) => {
      if (!options.text === !options.file) throw Object.assign(new Error('give the request with exactly one of --text "…" or --file request.txt'), { code: 'BAD_ARGUMENT' });
      let text = options.text;
      if (options.file) {
        if (options.file === '-') {
          const chunks: Buffer[] = [];
          for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
          text = Buffer.concat(chunks).toString('utf8');
        } else {
          text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
            throw Object.assign(new Error(`cannot read --file ${options.file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`), { code: 'BAD_ARGUMENT' });
          });
        }
      }
      const result = extractSpec(text ?? '');
      if (options.json) process.stdout.write(`${JSON.stringify({ spec: result.spec, language: result.language, missing: result.missing, questions: result.questions }, null, 2)}\n`);
      else process.stdout.write(`${formatSpec(result.spec, result.language)}\n`);
    });
}
