import type { Command } from 'commander';
import { readAppSettings, settingsFile, writeAppSettings } from '../app-settings.js';
import { defaultHome, homeLayout } from '../agent-home.js';

export function registerSettings(program: Command): void {
  program
    .command('settings <app> [assignments...]')
    .description('Show an app’s settings (secrets masked), or set them: NAME=value … (empty value removes one); applied at the next start or release')
    .option('--home <dir>', 'config and state directory')
    .option('--show-secrets', 'print values in full')
    .action(async (app: string, assignments: string[], options: { home?: string; showSecrets?: boolean }) => {
      const root = homeLayout(options.home ?? defaultHome()).root;
      if (!/^[a-z][a-z0-9-]{1,47}$/.test(app)) throw new Error(`"${app}" is not an app name (lowercase letters, digits and hyphens)`);
      const settings = readAppSettings(root, app);
      for (const assignment of assignments) {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(assignment);
        if (!match) throw new Error(`"${assignment}" is not NAME=value with an UPPER_SNAKE_CASE name`);
        if (match[2] === '') delete settings[match[1]!];
        else settings[match[1]!] = match[2]!;
      }
      if (assignments.length) writeAppSettings(root, app, settings);
      const names = Object.keys(settings).sort();
      if (!names.length) return void process.stdout.write(`${app} has no settings (${settingsFile(root, app)})\n`);
      for (const name of names) {
        const value = settings[name]!;
        process.stdout.write(`${name}=${options.showSecrets || value.length < 12 ? value : `${value.slice(0, 4)}…${value.slice(-2)}`}\n`);
      }
    });
}
