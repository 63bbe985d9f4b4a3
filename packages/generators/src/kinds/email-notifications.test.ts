import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { AppSpec } from '@marketplace/spec';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../build-app.js';
import { generateIntoTempDir } from '../testing/generated-app-dir.js';
import { runBuiltApp } from '../testing/run-built-app.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on loopback that keeps every message it is given. */
async function startSmtpSink(): Promise<{ port: number; messages: Received[]; close: () => Promise<void> }> {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw });
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return { port: (server.server.address() as AddressInfo).port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

const smtpSettings = () => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false' });

describe('generated apps send mail through SMTP', () => {
  it('form-app mails each submission to the email output', async () => {
    const spec: AppSpec = {
      specVersion: 1,
      name: 'feedback',
      title: 'Canteen feedback',
      summary: 'Tell the canteen what you think.',
      kind: 'form-app',
      entities: [{ name: 'feedback', fields: [{ name: 'dish', type: 'string', required: true }, { name: 'stars', type: 'integer', required: true }] }],
      outputs: [{ type: 'email', target: 'canteen@example.com' }],
    };
    const app = await generateIntoTempDir(spec);
    await buildApp(app.dir);
    const running = await runBuiltApp(app.dir, smtpSettings());
    try {
      const response = await fetch(`${running.url}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dish: 'Lasagne', stars: 5 }) });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { notifications: { type: string; ok: boolean; detail: string }[] };
      expect(body.notifications).toEqual([{ type: 'email', ok: true, detail: 'sent to canteen@example.com' }]);
      expect(smtp.messages.at(-1)).toMatchObject({ from: 'feedback@localhost', to: ['canteen@example.com'] });
      expect(smtp.messages.at(-1)!.raw).toContain('Subject: New submission: Canteen feedback');
      expect(smtp.messages.at(-1)!.raw).toContain('Dish: Lasagne');
    } finally {
      await running.stop();
      await app.remove();
    }
  });

  it('data-tool mails the report with the CSV attached', async () => {
    const spec: AppSpec = {
      specVersion: 1,
      name: 'stock-report',
      title: 'Stock report',
      summary: 'Stock per warehouse.',
      kind: 'data-tool',
      entities: [{ name: 'stock', fields: [{ name: 'warehouse', type: 'string' }, { name: 'units', type: 'integer' }] }],
      outputs: [{ type: 'email', target: 'logistics@example.com' }],
    };
    const app = await generateIntoTempDir(spec);
    await buildApp(app.dir);
    await mkdir(join(app.dir, 'data'), { recursive: true });
    await writeFile(join(app.dir, 'data', 'input.csv'), 'warehouse,units\nLyon,10\nLyon,5\nOslo,7\n');
    const running = await runBuiltApp(app.dir, { ...smtpSettings(), SCHEDULE_CRON: 'off' });
    try {
      const response = await fetch(`${running.url}/run`, { method: 'POST' });
      expect(response.status).toBe(200);
      const message = smtp.messages.at(-1)!;
      expect(message.to).toEqual(['logistics@example.com']);
      expect(message.raw).toContain('Subject: Stock report: report of 3 row(s)');
      expect(message.raw).toMatch(/Content-Disposition: attachment;\s+filename=report-.+\.csv/);
      const attachment = message.raw.split(/filename=report-.+\.csv/)[1]!.split('\r\n\r\n')[1]!.split('\r\n--')[0]!;
      expect(Buffer.from(attachment.replace(/\s/g, ''), 'base64').toString()).toContain('Lyon,2,15,7.5');
    } finally {
      await running.stop();
      await app.remove();
    }
  });
});
