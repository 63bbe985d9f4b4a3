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

/**
 * "Admin → Signing keys": where the server's and the agent's messages (and the web's own words) send
 * people. The first part must be a menu entry of the web UI in that language and the second a title the UI
 * shows; names that only look like places ("Settings", "Agents", "Account") count as places too.
 */
const PLACE = /(?<![\p{L}])(Admin|Administracja|Deployments|Wdrożenia|Catalog|Katalog|New app|Nowa aplikacja|Analytics|Analityka|Messages|Wiadomości|Campaigns|Kampanie|Settings|Ustawienia|Agents|Agenci|Account|Konto|My account|Moje konto) → ([^\n`'"]{1,60})/gu;
const pointers = (text: string) => [...text.matchAll(PLACE)].map((match) => ({ menu: match[1]!, rest: match[2]!, line: match[0] }));

describe('places the server, the agent and the web UI point to', () => {
  it('are a menu entry of the web UI followed by a title it shows, in English and in Polish', async () => {
    const places = async (language: 'en' | 'pl') => {
      const words = (await catalog(language)) as { nav: Record<string, string> } & Record<string, unknown>;
      return { words, menu: new Set(Object.values(words.nav)), titles: strings(words).filter((text) => text.length <= 60 && !text.includes('{{')) };
    };
    const en = await places('en');
    const pl = await places('pl');
    const shown = (place: Awaited<ReturnType<typeof places>>, menu: string, rest: string) =>
      place.menu.has(menu) && place.titles.some((title) => rest.startsWith(title) && !/^[\p{L}]/u.test(rest.slice(title.length)));
    const wrong = [
      // the web's words, each language by its own menu
      ...strings(en.words).flatMap(pointers).filter((p) => !shown(en, p.menu, p.rest)).map((p) => `en: ${p.line}`),
      ...strings(pl.words).flatMap(pointers).filter((p) => !shown(pl, p.menu, p.rest)).map((p) => `pl: ${p.line}`),
      // the server's and the agent's messages and mail, in either language
      ...[...sources(new URL('../src/', import.meta.url)), ...sources(new URL('../../agent/src/', import.meta.url))]
        .flatMap(pointers)
        .filter((p) => !shown(en, p.menu, p.rest) && !shown(pl, p.menu, p.rest))
        .map((p) => `source: ${p.line}`),
    ];
    expect(wrong).toEqual([]);
  });

  it('catches a place the UI does not have (the check itself works)', () => {
    expect(pointers('ask for a code (Agents → Enrol a workstation) and')).toEqual([{ menu: 'Agents', rest: 'Enrol a workstation) and', line: 'Agents → Enrol a workstation) and' }]);
  });
});

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
