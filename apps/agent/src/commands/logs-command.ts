import { open, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { AgentError } from '../agent-error.js';
import { defaultHome, homeLayout } from '../agent-home.js';
import { appLogFile } from '../runtimes/process-runtime.js';

export function registerLogs(program: Command): void {
  program
    .command('logs <app>')
    .description("An app's log (last 100 lines)")
    .option('--home <dir>', 'config and state directory')
    .option('-f, --follow', 'keep printing new lines')
    .action(async (app: string, options: { home?: string; follow?: boolean }) => {
      const file = appLogFile(homeLayout(options.home ?? defaultHome()).logs, app);
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch {
        throw new AgentError('APP_NOT_DEPLOYED', `There is no log for ${app} (${file}); see: marketplace-agent list`);
      }
      const start = Math.max(0, size - 64 * 1024);
      const handle = await open(file, 'r');
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      await handle.close();
      process.stdout.write(`${buffer.toString('utf8').split('\n').slice(-101).join('\n')}`);
      if (!options.follow) return;
      let offset = size;
      setInterval(async () => {
        const now = (await stat(file).catch(() => ({ size: 0 }))).size;
        if (now < offset) offset = 0; // rotated
        if (now === offset) return;
        const reader = await open(file, 'r');
        const chunk = Buffer.alloc(now - offset);
        await reader.read(chunk, 0, chunk.length, offset);
        await reader.close();
        offset = now;
        process.stdout.write(chunk);
      }, 500);
    });
}
