import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { parseReleaseEmail } from './parse-release-email.js';
import { buildReleaseEmail } from './release-email.js';
import { sampleRelease } from './testing/sample-release.js';

const release = sampleRelease();
const headers = { 'X-Marketplace-Release': 'room-booking@1.2.0', 'X-Marketplace-Org': 'acme' };
const bundleFile = { filename: release.bundleFileName, content: release.bundle, contentType: 'application/gzip' };
const releaseFile = { filename: release.envelopeFileName, content: release.envelopeJson, contentType: 'application/json' };

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ from: 'marketplace@acme.example', to: 'dana@acme.example', subject: 'x', text: 'x', messageId: '<m1@acme.example>', ...options }).compile().build();
}

describe('parseReleaseEmail', () => {
  it('returns the release JSON, the bundle and the headers of a release email', async () => {
    const raw = await buildReleaseEmail({ from: 'marketplace@acme.example', to: 'dana@acme.example', org: 'acme', messageId: '<r1@acme.example>', release });
    const parsed = await parseReleaseEmail(raw);
    expect(parsed.kind).toBe('release');
    if (parsed.kind !== 'release') return;
    expect(parsed.headers).toEqual({ release: 'room-booking@1.2.0', app: 'room-booking', version: '1.2.0', org: 'acme', bundleSha256: release.sha256, bundleUrl: undefined });
    expect(parsed.from).toBe('marketplace@acme.example');
    expect(parsed.messageId).toBe('<r1@acme.example>');
    expect(parsed.envelopeJson).toBe(release.envelopeJson);
    expect(parsed.bundle?.equals(release.bundle)).toBe(true);
    expect(parsed.bundleFileName).toBe('room-booking-1.2.0.tgz');
    expect(parsed.downloadUrl).toBeUndefined();
  });

  it('returns the delivery statement attached beside the release, and nothing when there is none', async () => {
    const deliveryJson = JSON.stringify({ payloadType: 'application/vnd.marketplace.delivery+json', payload: Buffer.from('{}').toString('base64'), signatures: [{ keyid: 'k', sig: 'placeholder-not-a-signature' }] });
    const raw = await buildReleaseEmail({ from: 'marketplace@acme.example', to: 'dana@acme.example', org: 'acme', messageId: '<r2@acme.example>', release: { ...release, deliveryJson, deliveryFileName: 'room-booking-1.2.0.delivery.json' } });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'release', deliveryJson, deliveryFileName: 'room-booking-1.2.0.delivery.json', envelopeJson: release.envelopeJson });
    const without = await parseReleaseEmail(await buildReleaseEmail({ from: 'marketplace@acme.example', to: 'dana@acme.example', org: 'acme', messageId: '<r3@acme.example>', release }));
    expect(without).toMatchObject({ kind: 'release' });
    expect(without.kind === 'release' && without.deliveryJson).toBeUndefined();
  });

  it('refuses a delivery attachment that is not a delivery statement, and two of them', async () => {
    const wrongType = await compose({ headers, attachments: [bundleFile, releaseFile, { filename: 'room-booking-1.2.0.delivery.json', content: release.envelopeJson }] });
    expect(await parseReleaseEmail(wrongType)).toMatchObject({ kind: 'invalid', code: 'INVALID_RELEASE_JSON' });
    const delivery = { filename: 'room-booking-1.2.0.delivery.json', content: JSON.stringify({ payloadType: 'application/vnd.marketplace.delivery+json', payload: 'e30=', signatures: [{ sig: 'x' }] }) };
    const twice = await compose({ headers, attachments: [bundleFile, releaseFile, delivery, { ...delivery, filename: 'other.delivery.json' }] });
    expect(await parseReleaseEmail(twice)).toMatchObject({ kind: 'invalid', code: 'MULTIPLE_RELEASES' });
  });

  it('classifies unrelated mail as not-release from its headers, even when it is far over the size limit', async () => {
    const newsletter = await compose({ subject: 'Lunch menu', attachments: [{ filename: 'menu.pdf', content: randomBytes(64 * 1024) }] });
    expect(await parseReleaseEmail(newsletter)).toEqual({ kind: 'not-release' });
    // 1 MiB of garbage after a header block, with a 1 KiB limit: only the headers are read, so neither
    // the size limit nor a MIME parse ever sees it (either would have answered 'invalid').
    const huge = Buffer.concat([Buffer.from('From: a@b.example\r\nSubject: big\r\nContent-Type: multipart/mixed\r\n\r\n'), randomBytes(1024 * 1024)]);
    expect(await parseReleaseEmail(huge, { limits: { maxMessageBytes: 1024 } })).toEqual({ kind: 'not-release' });
  });

  it('reports MISSING_RELEASE_ATTACHMENT when the headers name a release but no .release.json is attached', async () => {
    const raw = await compose({ headers, attachments: [bundleFile] });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'MISSING_RELEASE_ATTACHMENT' });
  });

  it('reports MISSING_BUNDLE when neither the bundle nor a download link is there', async () => {
    const raw = await compose({ headers, attachments: [releaseFile] });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'MISSING_BUNDLE' });
  });

  it('reports MULTIPLE_RELEASES for two releases in one mail, by attachment or by header', async () => {
    const second = sampleRelease({ app: 'leave-tracker' });
    const twoFiles = await compose({
      headers,
      attachments: [bundleFile, releaseFile, { filename: second.envelopeFileName, content: second.envelopeJson }, { filename: second.bundleFileName, content: second.bundle }],
    });
    expect(await parseReleaseEmail(twoFiles)).toMatchObject({ kind: 'invalid', code: 'MULTIPLE_RELEASES' });
    const twoHeaders = await compose({ headers: [{ key: 'X-Marketplace-Release', value: 'room-booking@1.2.0' }, { key: 'X-Marketplace-Release', value: 'leave-tracker@1.0.0' }], attachments: [bundleFile, releaseFile] });
    expect(await parseReleaseEmail(twoHeaders)).toMatchObject({ kind: 'invalid', code: 'MULTIPLE_RELEASES' });
  });

  it('reports TOO_LARGE for a release email over the message size limit, too many attachments, or parts nested too deep', async () => {
    const raw = await compose({ headers, attachments: [bundleFile, releaseFile] });
    expect(await parseReleaseEmail(raw, { limits: { maxMessageBytes: 2048 } })).toMatchObject({ kind: 'invalid', code: 'TOO_LARGE', message: expect.stringContaining('over the limit of 2048 bytes') });

    const many = await compose({ headers, attachments: [bundleFile, releaseFile, ...Array.from({ length: 10 }, (_, i) => ({ filename: `f${i}.txt`, content: 'x' }))] });
    expect(await parseReleaseEmail(many)).toMatchObject({ kind: 'invalid', code: 'TOO_LARGE', message: expect.stringContaining('more than 8 attachments') });

    let deep = 'X-Marketplace-Release: room-booking@1.2.0\r\n';
    for (let i = 0; i < 12; i++) deep += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    deep += 'Content-Type: text/plain\r\n\r\nhello\r\n';
    for (let i = 11; i >= 0; i--) deep += `--b${i}--\r\n`;
    expect(await parseReleaseEmail(Buffer.from(deep))).toMatchObject({ kind: 'invalid', code: 'TOO_LARGE', message: expect.stringContaining('nested') });
  });

  it('reports TOO_LARGE when the header block of a release email is over the header limit', async () => {
    const raw = Buffer.from(`X-Marketplace-Release: room-booking@1.2.0\r\nX-Filler: ${'a'.repeat(70 * 1024)}\r\n\r\nbody`);
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'TOO_LARGE' });
  });

  it('reports MALFORMED_MIME for a multipart message without a boundary', async () => {
    const raw = Buffer.from('X-Marketplace-Release: room-booking@1.2.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n');
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'MALFORMED_MIME' });
  });

  it('reports INVALID_RELEASE_JSON when the .release.json is not a DSSE release envelope', async () => {
    const raw = await compose({ headers, attachments: [bundleFile, { filename: release.envelopeFileName, content: '{"payloadType":"text/plain"' }] });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'INVALID_RELEASE_JSON' });
  });

  it('reports BUNDLE_MISMATCH when the attached bundle is not the one its header names (cut or changed on the way)', async () => {
    const raw = await compose({ headers: { ...headers, 'X-Marketplace-Bundle-Sha256': release.sha256 }, attachments: [{ ...bundleFile, content: release.bundle.subarray(0, 1000) }, releaseFile] });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'BUNDLE_MISMATCH' });
  });

  it('reports INVALID_HEADERS for a release header that is not app@version', async () => {
    const raw = await compose({ headers: { 'X-Marketplace-Release': '../../etc/passwd' }, attachments: [bundleFile, releaseFile] });
    expect(await parseReleaseEmail(raw)).toMatchObject({ kind: 'invalid', code: 'INVALID_HEADERS', message: expect.stringContaining('app@version') });
  });
});
