import { generateKeyPairSync } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { HomeLayout } from './agent-home.js';

/** A fresh Ed25519 key pair for signing status mails: the private half stays in the agent's home (0600), the public half goes to the server. */
export function newReportKeyPair(): { privateKey: string; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function saveReportKey(layout: HomeLayout, privateKey: string): Promise<void> {
  const temporary = `${layout.reportKey}.${process.pid}.tmp`;
  await writeFile(temporary, privateKey, { mode: 0o600 });
  await rename(temporary, layout.reportKey);
}

/**
 * The key this agent signs status mails with. An agent enrolled before report keys existed makes one
 * now and enrols it over its authenticated HTTP channel (`register`) before using it.
 */
export async function ensureReportKey(layout: HomeLayout, register: (publicKey: string) => Promise<void>): Promise<string> {
  const existing = await readFile(layout.reportKey, 'utf8').catch(() => null);
  if (existing) return existing;
  const pair = newReportKeyPair();
  await register(pair.publicKey);
  await saveReportKey(layout, pair.privateKey);
  return pair.privateKey;
}
