import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MailError } from './mail-error.js';
import { parseReleaseEmail } from './parse-release-email.js';
import { buildReleaseEmail, type ReleaseEmailOptions } from './release-email.js';
import { sampleRelease } from './testing/sample-release.js';

const release = sampleRelease();
const base: ReleaseEmailOptions = {
  from: { name: 'Acme Marketplace', address: 'marketplace@acme.example' },
  to: 'dana@acme.example',
  org: 'acme',
  messageId: '<release.room-booking.1.2.0.dana@acme.example>',
  date: new Date('2026-03-01T10:00:00Z'),
  release,
};

describe('buildReleaseEmail', () => {
  it('builds a multipart/mixed mail with text and HTML bodies, the bundle and the release JSON attached, and release headers', async () => {
    const raw = await buildReleaseEmail(base);
    const mail = await simpleParser(raw);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
    expect(mail.headers.get('x-marketplace-release')).toBe('room-booking@1.2.0');
    expect(mail.headers.get('x-marketplace-org')).toBe('acme');
    expect(mail.headers.get('x-marketplace-bundle-sha256')).toBe(release.sha256);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.messageId).toBe('<release.room-booking.1.2.0.dana@acme.example>');
    expect(mail.subject).toBe('Room Booking 1.2.0 is ready to install (acme)');
    for (const body of [mail.text ?? '', String(mail.html)]) {
      expect(body).toContain('Book meeting rooms and see who has them today.');
      expect(body).toContain('Adds recurring bookings.');
      expect(body).toContain('build, 12 tests, start and /healthz passed');
      expect(body).toContain('no findings (0 high, 0 medium)');
      expect(body).toContain('acme-release-2026');
      expect(body).toContain('marketplace-agent install room-booking-1.2.0.release.json --bundle room-booking-1.2.0.tgz');
      expect(body).toContain('sha256sum room-booking-1.2.0.tgz');
    }
    const files = mail.attachments.map((a) => [a.filename, a.contentType]);
    expect(files).toEqual([
      ['room-booking-1.2.0.tgz', 'application/gzip'],
      ['room-booking-1.2.0.release.json', 'application/json'],
    ]);
    expect(mail.attachments[0]?.content.equals(release.bundle)).toBe(true);
    expect(mail.attachments[1]?.content.toString()).toBe(release.envelopeJson);
  });

  it('writes its own sections in Polish for a Polish reader, commands, hashes and file names verbatim', async () => {
    const english = await simpleParser(await buildReleaseEmail(base));
    const mail = await simpleParser(await buildReleaseEmail({ ...base, language: 'pl' }));
    expect(mail.headers.get('content-language')).toBe('pl');
    expect(english.headers.get('content-language')).toBe('en');
    expect(mail.subject).toBe('Room Booking 1.2.0 – gotowa do instalacji (acme)');
    expect(String(mail.html)).toContain('<html lang="pl">');
    for (const body of [mail.text ?? '', String(mail.html)]) {
      for (const heading of ['Co robi', 'Kontrole', 'Pliki', 'Instalacja agentem wdrożeń', 'Instalacja ręczna bez agenta']) expect(body).toContain(heading);
      expect(body).toContain(`Suma sha256 paczki: ${release.sha256}`);
      expect(body).toContain('Podpisano kluczem wydań acme: acme-release-2026.');
      expect(body).toContain('W załącznikach: paczka room-booking-1.2.0.tgz');
      for (const command of ['marketplace-agent install room-booking-1.2.0.release.json --bundle room-booking-1.2.0.tgz', 'sha256sum room-booking-1.2.0.tgz']) expect(body).toContain(command);
      for (const english of ['What it does', 'Checks', 'Install with the deploy agent', 'prefer the agent', 'must print']) expect(body).not.toContain(english);
    }
    expect(mail.text).toContain('    mkdir room-booking && tar -xzf room-booking-1.2.0.tgz -C room-booking');
    // the agent reads headers and attachments only: a Polish mail is the same release to it
    const parsed = await parseReleaseEmail(await buildReleaseEmail({ ...base, language: 'pl' }));
    expect(parsed.kind).toBe('release');
  });

  it('gives the same bytes for the same input, so a retried send is the same message', async () => {
    const first = await buildReleaseEmail(base);
    const second = await buildReleaseEmail(base);
    expect(first.equals(second)).toBe(true);
  });

  it('HTML-escapes every field that reaches the HTML body', async () => {
    const hostile = sampleRelease({
      title: '<script>alert(1)</script>',
      summary: 'Tom & Jerry "quoted" <b>bold</b>',
      changelog: "<img src=x onerror='steal()'>",
      validationSummary: '<i>ok</i>',
      scanSummary: '<a href="javascript:x">scan</a>',
      signerKeyId: 'key<1>',
    });
    const mail = await simpleParser(await buildReleaseEmail({ ...base, release: hostile, installHint: 'run <this>' }));
    const html = String(mail.html);
    expect(html).not.toMatch(/<script|<img|<b>|<i>|<a href="javascript|onerror='/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Tom &amp; Jerry &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('key&lt;1&gt;');
    expect(html).toContain('run &lt;this&gt;');
    expect(mail.text).toContain('<script>alert(1)</script>'); // the text body shows it as typed
  });

  it('carries a download link instead of the bundle when it is too large to attach, and still attaches the release JSON', async () => {
    const { bundle: _bundle, ...withoutBundle } = release;
    const raw = await buildReleaseEmail({ ...base, release: withoutBundle, downloadUrl: 'https://marketplace.acme.example/d/room-booking-1.2.0.tgz?t=a&b=c' });
    const mail = await simpleParser(raw);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['room-booking-1.2.0.release.json']);
    expect(mail.text).toContain('download it from https://marketplace.acme.example/d/room-booking-1.2.0.tgz');
    expect(String(mail.html)).toContain('<a href="https://marketplace.acme.example/d/room-booking-1.2.0.tgz?t=a&amp;b=c">');
    const parsed = await parseReleaseEmail(raw);
    expect(parsed).toMatchObject({ kind: 'release', downloadUrl: 'https://marketplace.acme.example/d/room-booking-1.2.0.tgz?t=a&b=c' });
  });

  it('refuses to attach a bundle over the attachment limit and says to pass downloadUrl', async () => {
    const big = sampleRelease({ bundleBytes: 2048 });
    await expect(buildReleaseEmail({ ...base, release: big, maxAttachedBundleBytes: 1024 })).rejects.toThrow(/pass downloadUrl instead/);
  });

  it('refuses a bundle whose hash or size is not the one the release names', async () => {
    const other = sampleRelease();
    const error = await buildReleaseEmail({ ...base, release: { ...release, bundle: other.bundle } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailError);
    expect((error as MailError).code).toBe('BUNDLE_MISMATCH');
  });

  it('names each invalid field', async () => {
    const error = await buildReleaseEmail({ ...base, to: 'not an address', messageId: 'no-brackets', release: { ...release, bundleFileName: '../evil.tgz' } }).catch((e: unknown) => e);
    expect((error as MailError).code).toBe('INVALID_OPTIONS');
    expect((error as Error).message).toMatch(/to: .*email address/);
    expect((error as Error).message).toMatch(/messageId: must look like <unique-part@your.domain>/);
    expect((error as Error).message).toMatch(/release.bundleFileName: must be a plain file name/);
  });

  it('refuses release JSON that is not a DSSE release envelope', async () => {
    await expect(buildReleaseEmail({ ...base, release: { ...release, envelopeJson: '{"hello":1}' } })).rejects.toThrow(/not a signed release/);
  });

  it('DKIM-signs when a key is configured, and the signature verifies (mailauth)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const raw = await buildReleaseEmail({ ...base, from: 'marketplace@acme.example', dkim: { domainName: 'acme.example', keySelector: 'mp2026', privateKey: pem } });
    expect(raw.subarray(0, 200).toString()).toMatch(/^DKIM-Signature: /);
    // The DNS answer is the public half of the key generated above, served by a local resolver.
    const resolver = async (name: string, type: string): Promise<string[][]> => {
      if (type === 'TXT' && name === 'mp2026._domainkey.acme.example') return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
      throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
    };
    const result = await dkimVerify(raw, { resolver });
    expect(result.results[0]?.status.result).toBe('pass');
    expect(result.results[0]?.signingDomain).toBe('acme.example');

    const tampered = Buffer.from(raw.toString('latin1').replace('Adds recurring bookings.', 'Adds a backdoor, sorry.'), 'latin1');
    const bad = await dkimVerify(tampered, { resolver });
    expect(bad.results[0]?.status.result).not.toBe('pass');
    expect(bad.results[0]?.status.comment).toMatch(/body hash did not verify/);
  });
});
