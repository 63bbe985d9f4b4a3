import { readdirSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../agent/src/commands/register-commands.js';

/** The web UI's words (both catalogs, read at run time: the web app is not part of the server's build) and its own source. */
const catalog = async (language: 'en' | 'pl'): Promise<object> => (await import(new URL(`../../web/src/i18n/${language}.ts`, import.meta.url).href))[language];
const strings = (node: unknown): string[] => (typeof node === 'string' ? [node] : node && typeof node === 'object' ? Object.values(node).flatMap(strings) : []);
const sources = (dir: URL): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts')).map((file) => readFileSync(new URL(file, dir), 'utf8'));

/** What the UI tells people to run on a workstation: `marketplace-agent <verb> --option …`. */
const agentLines = (text: string): { verb: string; options: string[]; line: string }[] =>
  [...text.matchAll(/\bmarketplace-agent ([a-z-]+)([^)'"`\n]*)/g)].map((match) => ({ verb: match[1]!, options: [...match[2]!.matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((option) => option[1]!), line: match[0] }));

describe('commands the web UI names', () => {
  it('are real commands of the deploy agent, with options it has', async () => {
    const program = new Command('marketplace-agent');
    registerCommands(program);
    const verbs = new Map(program.commands.map((command) => [command.name(), new Set(command.options.map((option) => option.long))]));
    const texts = [
      ...strings(await catalog('en')),
      ...strings(await catalog('pl')),
      ...sources(new URL('../../web/src/', import.meta.url)).filter((text) => !text.includes('export const en') && !text.includes('export const pl')),
      // reasons the server writes into a deployment, shown as they are where the UI has no words for them
      ...sources(new URL('../src/modules/deployments/', import.meta.url)),
    ];
    const named = texts.flatMap(agentLines);
    expect(named.map((n) => n.verb)).toEqual(expect.arrayContaining(['enroll', 'logs']));
    expect(named.filter((n) => !verbs.has(n.verb)).map((n) => n.line)).toEqual([]);
    expect(named.flatMap((n) => n.options.filter((option) => !verbs.get(n.verb)?.has(option)).map((option) => `${n.line}: ${option}`))).toEqual([]);
  });

  it('catches a verb the agent does not have (the check itself works)', () => {
    expect(agentLines('run it again (marketplace-agent start --home x)')).toEqual([{ verb: 'start', options: ['--home'], line: 'marketplace-agent start --home x' }]);
  });
});
