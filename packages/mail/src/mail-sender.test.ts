import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import MailComposer from 'nodemailer/lib/mail-composer';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailSender } from './mail-sender.js';
import { freePort } from './testing/free-port.js';

type Answer = { code: number; text: string } | null;

/** A real SMTP server (smtp-server) on loopback that answers RCPT and end-of-DATA as each test scripts it. */
async function startScriptedServer(script: { rcpt?: (address: string) => Answer; data?: () => Answer; users?: Record<string, string> }) {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: !script.users,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (script.users?.[auth.username ?? ''] === auth.password) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const answer = script.rcpt?.(address.address) ?? null;
      callback(answer ? Object.assign(new Error(answer.text), { responseCode: answer.code }) : undefined);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const answer = script.data?.() ?? null;
        if (answer) return callback(Object.assign(new Error(answer.text), { responseCode: answer.code }));
        received.push(Buffer.concat(chunks));
        callback(null, 'queued as 42');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const raw = () => new MailComposer({ from: 'marketplace@acme.example', to: 'dana@acme.example', subject: 'Room Booking 1.2.0', text: 'hello', messageId: '<m1@acme.example>' }).compile().build();
const envelope = { from: 'marketplace@acme.example', to: ['dana@acme.example'] };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(script: Parameters<typeof startScriptedServer>[0], extra: Partial<Parameters<typeof createMailSender>[0]> = {}) {
  const server = await startScriptedServer(script);
  const sender = createMailSender({ host: '127.0.0.1', port: server.port, timeoutMs: 5000, ...extra });
  cleanups.push(() => server.close(), () => sender.close());
  return { server, sender };
}

describe('createMailSender', () => {
  it('sends the raw message byte for byte to the envelope recipients', async () => {
    const { server, sender } = await setup({});
    const message = await raw();
    const result = await sender.send({ raw: message, envelope });
    expect(result).toMatchObject({ ok: true, accepted: ['dana@acme.example'], rejected: [] });
    expect(result.ok && result.response).toContain('queued as 42');
    expect(server.received[0]?.toString()).toBe(message.toString());
  });

  it('reports a 451 answer as temporary and retryable', async () => {
    const { sender } = await setup({ rcpt: () => ({ code: 451, text: '4.7.1 Greylisted, try again in 5 minutes' }) });
    const result = await sender.send({ raw: await raw(), envelope });
    expect(result).toMatchObject({ ok: false, retryable: true, code: 'SMTP_TEMPORARY', responseCode: 451 });
    expect(!result.ok && result.response).toContain('Greylisted, try again in 5 minutes');
  });

  it('reports a 550 answer as permanent, not retryable, with the server\'s reply text', async () => {
    const { sender } = await setup({ rcpt: () => ({ code: 550, text: '5.1.1 dana@acme.example: no such user' }) });
    const result = await sender.send({ raw: await raw(), envelope });
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'SMTP_PERMANENT', responseCode: 550 });
    expect(!result.ok && result.response).toContain('no such user');
  });

  it('classifies answers to the message body the same way (451 after DATA retryable, 552 not)', async () => {
    const temporary = await setup({ data: () => ({ code: 451, text: '4.3.0 Queue full' }) });
    expect(await temporary.sender.send({ raw: await raw(), envelope })).toMatchObject({ ok: false, retryable: true, responseCode: 451 });
    const permanent = await setup({ data: () => ({ code: 552, text: '5.3.4 Message too big' }) });
    expect(await permanent.sender.send({ raw: await raw(), envelope })).toMatchObject({ ok: false, retryable: false, code: 'SMTP_PERMANENT', responseCode: 552 });
  });

  it('sends to the recipients that were accepted and lists the refused ones with their answers', async () => {
    const { server, sender } = await setup({ rcpt: (address) => (address.startsWith('gone') ? { code: 550, text: '5.1.1 gone: no such user' } : null) });
    const result = await sender.send({ raw: await raw(), envelope: { from: envelope.from, to: ['dana@acme.example', 'gone@acme.example'] } });
    expect(result).toMatchObject({ ok: true, accepted: ['dana@acme.example'], rejected: [{ address: 'gone@acme.example', retryable: false, responseCode: 550 }] });
    expect(server.received).toHaveLength(1);
  });

  it('reports a server that is not there as a retryable connection failure', async () => {
    const port = await freePort();
    const sender = createMailSender({ host: '127.0.0.1', port, timeoutMs: 2000 });
    cleanups.push(() => sender.close());
    expect(await sender.send({ raw: await raw(), envelope })).toMatchObject({ ok: false, retryable: true, code: 'CONNECTION' });
  });

  it('logs in when given credentials, and reports a refused login as an AUTH failure not worth retrying', async () => {
    const good = await setup({ users: { mp: 's3cret' } }, { user: 'mp', pass: 's3cret' });
    expect((await good.sender.verify()).ok).toBe(true);
    const bad = await setup({ users: { mp: 's3cret' } }, { user: 'mp', pass: 'wrong' });
    expect(await bad.sender.send({ raw: await raw(), envelope })).toMatchObject({ ok: false, retryable: false, code: 'AUTH', responseCode: 535 });
  });

  it('DKIM-signs on the way when the sender has a key; the stored copy verifies (mailauth)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dkim = { domainName: 'acme.example', keySelector: 'out', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const { server, sender } = await setup({}, { dkim });
    expect((await sender.send({ raw: await raw(), envelope })).ok).toBe(true);
    const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const resolver = async (name: string): Promise<string[][]> => {
      if (name === 'out._domainkey.acme.example') return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const result = await dkimVerify(server.received[0] ?? Buffer.alloc(0), { resolver });
    expect(result.results[0]?.status.result).toBe('pass');
  });

  it('refuses a bad envelope and half-given credentials before connecting', async () => {
    const sender = createMailSender({ host: '127.0.0.1', port: 25 });
    cleanups.push(() => sender.close());
    await expect(sender.send({ raw: await raw(), envelope: { from: 'x', to: [] } })).rejects.toThrow(/envelope needs a sender address/);
    expect(() => createMailSender({ host: 'smtp.acme.example', port: 587, user: 'mp' })).toThrow(/give both SMTP_USER and SMTP_PASS/);
    expect(() => createMailSender({ host: '', port: 0 })).toThrow(/host: must name the SMTP server/);
  });
});
