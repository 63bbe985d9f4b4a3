import MailComposer from 'nodemailer/lib/mail-composer';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classifyIncoming } from './classify-incoming.js';
import { parseReleaseEmail } from './parse-release-email.js';
import { generateKeyPairSync } from 'node:crypto';
import { buildStatusEmail, parseStatusEmail, verifyStatusSignature } from './status-email.js';
import type { StatusReport } from './status-report.js';

const status: StatusReport = {
  statusVersion: 1,
  agentId: 'ws-dana-01',
  app: 'room-booking',
  version: '1.2.0',
  state: 'rejected',
  reason: { code: 'SIGNATURE_INVALID', message: 'The release signature does not verify with any key of acme.' },
  releaseMessageId: '<r1@acme.example>',
  at: '2026-03-01T10:05:00.000Z',
};

const build = (report: StatusReport = status) =>
  buildStatusEmail({ from: 'agent+ws-dana-01@acme.example', to: 'marketplace@acme.example', messageId: '<s1@acme.example>', status: report });

describe('status emails', () => {
  it('round-trips a report: readable body, status.json attached, header naming app, version and state, threaded to the release', async () => {
    const raw = await build();
    const mail = await simpleParser(raw);
    expect(mail.headers.get('x-marketplace-status')).toBe('room-booking@1.2.0 rejected');
    expect(mail.inReplyTo).toBe('<r1@acme.example>');
    expect(mail.text).toContain('room-booking 1.2.0 is rejected on agent ws-dana-01');
    expect(mail.text).toContain('Reason (SIGNATURE_INVALID): The release signature does not verify');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['status.json']);

    expect(await parseStatusEmail(raw)).toEqual({ kind: 'status', status, from: 'agent+ws-dana-01@acme.example', messageId: '<s1@acme.example>', inReplyTo: '<r1@acme.example>', statusJson: expect.any(Buffer), signature: undefined });
  });

  it('is not mistaken for a release, and is marked as machine mail so nobody auto-answers it', async () => {
    const raw = await build();
    expect(await parseReleaseEmail(raw)).toEqual({ kind: 'not-release' });
    expect(classifyIncoming(raw).kind).toBe('auto-reply');
  });

  it('says not-status for other mail and refuses a report whose header and JSON disagree', async () => {
    const other = await new MailComposer({ from: 'a@acme.example', to: 'b@acme.example', subject: 'hi', text: 'hello' }).compile().build();
    expect(await parseStatusEmail(other)).toEqual({ kind: 'not-status' });

    const forged = Buffer.from((await build()).toString('latin1').replace('room-booking@1.2.0 rejected', 'room-booking@1.2.0 healthy'), 'latin1');
    expect(await parseStatusEmail(forged)).toMatchObject({ kind: 'invalid', code: 'INVALID_STATUS', message: expect.stringContaining('healthy') });
  });

  it('refuses a report without status.json or with JSON that is not a report', async () => {
    const headers = { 'X-Marketplace-Status': 'room-booking@1.2.0 healthy' };
    const bare = await new MailComposer({ from: 'a@acme.example', to: 'b@acme.example', text: 'ok', headers }).compile().build();
    expect(await parseStatusEmail(bare)).toMatchObject({ kind: 'invalid', code: 'MISSING_STATUS_ATTACHMENT' });
    const wrong = await new MailComposer({ from: 'a@acme.example', to: 'b@acme.example', text: 'ok', headers, attachments: [{ filename: 'status.json', content: '{"state":"exploded"}' }] }).compile().build();
    expect(await parseStatusEmail(wrong)).toMatchObject({ kind: 'invalid', code: 'INVALID_STATUS', message: expect.stringContaining('state') });
  });

  it('refuses to build a report with an unknown state', async () => {
    await expect(build({ ...status, state: 'exploded' as StatusReport['state'] })).rejects.toThrow(/status.state/);
  });

  it('signs status.json with the agent’s Ed25519 key; another key, an edited report or no signature do not verify', async () => {
    const pem = (pair: ReturnType<typeof generateKeyPairSync>) => ({ priv: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const mine = pem(generateKeyPairSync('ed25519'));
    const theirs = pem(generateKeyPairSync('ed25519'));
    const signed = await buildStatusEmail({ from: 'agent+ws-dana-01@acme.example', to: 'marketplace@acme.example', messageId: '<s2@acme.example>', status, signingKey: mine.priv });
    const parsed = await parseStatusEmail(signed);
    if (parsed.kind !== 'status') throw new Error(parsed.kind);
    expect(verifyStatusSignature(parsed, mine.pub)).toBe('valid');
    expect(verifyStatusSignature(parsed, theirs.pub)).toBe('invalid');
    expect(verifyStatusSignature({ ...parsed, statusJson: Buffer.from(parsed.statusJson.toString().replace('rejected', 'healthy')) }, mine.pub)).toBe('invalid');
    const unsigned = await parseStatusEmail(await build());
    if (unsigned.kind !== 'status') throw new Error(unsigned.kind);
    expect(verifyStatusSignature(unsigned, mine.pub)).toBe('unsigned');
    await expect(buildStatusEmail({ from: 'a@acme.example', to: 'marketplace@acme.example', messageId: '<s3@acme.example>', status, signingKey: 'not a key' })).rejects.toThrow(/not a PEM private key/);
  });
});
