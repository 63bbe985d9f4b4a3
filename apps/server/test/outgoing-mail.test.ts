import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReleaseEmail } from '@marketplace/mail';
import { startMailHub, type MailHub } from '@marketplace/mail/hub';
import { sampleRelease } from '@marketplace/mail/testing';
import { registerCommands } from '../../agent/src/commands/register-commands.js';
import { loadConfig } from '../src/config/config.js';
import { composeReply } from '../src/modules/mail-intake/mail-reply.js';
import { dkimFor, fromMailbox, mailSenderFor, messageIdFor } from '../src/modules/mail-intake/mail-sender.js';
import { TEST_SECRET } from './helper.js';

/**
 * What the server mails out says only true things: commands that exist in the agent's CLI, one
 * domain for From, Message-ID and the DKIM signature, and a signature that Debian's python3-dkim
 * (dkimpy, a verifier this project did not write) accepts. Only its DNS lookup is ours: it answers
 * the selector's TXT record with the test key instead of asking DNS.
 */
const PYTHON = '/usr/bin/python3';
const hasDkimpy = spawnSync(PYTHON, ['-c', 'import dkim'], { stdio: 'ignore' }).status === 0;
if (!hasDkimpy) {
  const message = 'python3-dkim (Debian package, the dkimverify module) is not installed: run scripts/install-system-deps.sh';
  if (process.env.CI === 'true') throw new Error(`${message} — required under CI=true`);
  console.warn(`\n!!! SKIPPING the DKIM verification of outgoing mail: ${message}\n`);
}

const VERIFY = `
import sys, dkim
record = open(sys.argv[1], 'rb').read()
def dnsfunc(name, timeout=5):
    return record if name == sys.argv[2].encode() else None
message = sys.stdin.buffer.read()
ok = dkim.verify(message, dnsfunc=dnsfunc)
print('pass' if ok else 'fail')
sys.exit(0 if ok else 1)
`;

let work: string;
let hub: MailHub;
let txtRecord: string;
const FROM = 'Marketplace <marketplace@acme.test>';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'outgoing-mail-'));
  hub = await startMailHub({ dataDir: join(work, 'data') });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(work, 'dkim.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  txtRecord = join(work, 'txt');
  writeFileSync(txtRecord, `v=DKIM1; k=rsa; p=${p}`);
});

afterAll(async () => {
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

const config = () => loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_FROM: FROM, SMTP_LISTEN_PORT: String(hub.port), DKIM_DOMAIN: 'acme.test', DKIM_SELECTOR: 'mp2026', DKIM_PRIVATE_KEY_FILE: join(work, 'dkim.pem') });

/** Sends `raw` through the server's own outgoing path (mailSenderFor, DKIM-signing) and returns the copy the hub stored. */
async function sendAndRead(raw: Buffer, to: string): Promise<Buffer> {
  const sender = mailSenderFor(config())!;
  const result = await sender.send({ raw, envelope: { from: 'marketplace@acme.test', to: [to] } });
  sender.close();
  expect(result.ok).toBe(true);
  const dir = join(work, 'data', 'mail', to, 'new');
  const [name] = readdirSync(dir).sort().reverse();
  return readFileSync(join(dir, name!));
}

function dkimpy(message: Buffer): { status: number | null; output: string } {
  const run = spawnSync(PYTHON, ['-c', VERIFY, txtRecord, 'mp2026._domainkey.acme.test.'], { input: message, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

async function domains(message: Buffer) {
  const parsed = await simpleParser(message);
  const signature = parsed.headers.get('dkim-signature') as { params?: Record<string, string> } | string | undefined;
  const d = typeof signature === 'object' ? signature.params?.d : /\bd=([^;\s]+)/.exec(String(signature))?.[1];
  return { from: parsed.from?.value[0]?.address?.split('@')[1], messageId: parsed.messageId?.replace(/^<|>$/g, '').split('@')[1], dkim: d };
}

describe.skipIf(!hasDkimpy)('signed outgoing mail', () => {
  it('a release e-mail passes python3-dkim, with one domain for From, Message-ID and d=', async () => {
    const raw = await buildReleaseEmail({ from: fromMailbox(FROM), to: ['agent-1@agents.acme.test'], org: 'acme', messageId: messageIdFor(FROM, 'delivery-1'), release: sampleRelease() });
    const stored = await sendAndRead(raw, 'agent-1@agents.acme.test');
    expect(dkimpy(stored)).toEqual({ status: 0, output: 'pass' });
    expect(await domains(stored)).toEqual({ from: 'acme.test', messageId: 'acme.test', dkim: 'acme.test' });
  });

  it('a conversation reply passes python3-dkim; the same mail changed on the way does not', async () => {
    const reply = await composeReply({ address: 'marketplace@acme.test', token: 'tok3n', to: 'ana@acme.test', subject: 'Vacation form', text: 'Here is what I understood.' });
    const stored = await sendAndRead(reply.raw, 'ana@acme.test');
    expect(dkimpy(stored)).toEqual({ status: 0, output: 'pass' });
    expect(await domains(stored)).toEqual({ from: 'acme.test', messageId: 'acme.test', dkim: 'acme.test' });
    const tampered = Buffer.from(stored.toString('utf8').replace('Here is what I understood.', 'Here is what I changed.'));
    expect(dkimpy(tampered).status).toBe(1);
  });

  it('signs with the key from DKIM_PRIVATE_KEY_FILE for DKIM_DOMAIN and DKIM_SELECTOR', () => {
    expect(dkimFor(config())).toMatchObject({ domainName: 'acme.test', keySelector: 'mp2026' });
  });
});

describe('release e-mail wording', () => {
  it('names an agent command that the agent CLI accepts as written', async () => {
    const release = sampleRelease({ app: 'room-booking', version: '1.2.0' });
    const text = (await simpleParser(await buildReleaseEmail({ from: fromMailbox(FROM), to: ['agent-1@agents.acme.test'], org: 'acme', messageId: messageIdFor(FROM, 'delivery-2'), release }))).text ?? '';
    const commands = text.split('\n').filter((line) => /^\s+marketplace-agent /.test(line)).map((line) => line.trim());
    expect(commands).toEqual([`marketplace-agent install ${release.envelopeFileName} --bundle ${release.bundleFileName}`]);
    for (const command of commands) {
      const program = new Command('marketplace-agent').exitOverride();
      registerCommands(program);
      const seen: unknown[][] = [];
      for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => {} }).action((...args: unknown[]) => void seen.push(args.slice(0, -1)));
      await program.parseAsync(command.split(' ').slice(1), { from: 'user' });
      expect(seen).toEqual([[release.envelopeFileName, { bundle: release.bundleFileName }]]);
    }
  });

  it('would catch a command that does not exist, like `install … --release …`', async () => {
    const program = new Command('marketplace-agent').exitOverride().configureOutput({ writeErr: () => {} });
    registerCommands(program);
    for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => {} }).action(() => {});
    await expect(program.parseAsync(['install', '--release', 'x.release.json', '--bundle', 'x.tgz'], { from: 'user' })).rejects.toThrow(/unknown option '--release'/);
  });
});
