import { describe, expect, it } from 'vitest';
import { checkCompliance, linkHosts } from './mail-compliance.js';
import { fillTemplate, oneLine, unknownPlaceholders } from './fill-template.js';

const rules = { allowedHosts: ['market.example.test', '*.intranet.example'], footer: '', maxBytes: 10_000 };
const check = (text: string, more: Partial<typeof rules> = {}, bytes = text.length) => checkCompliance({ subject: 'Hello', text, bytes }, { ...rules, ...more });

describe('compliance check before sending', () => {
  it('blocks secrets by kind, never quoting them', () => {
    const cases: [string, string][] = [
      [`your key: mpk_${'A'.repeat(40)}`, 'marketplace-credential'],
      [`feed: mpf_${'b'.repeat(43)}`, 'marketplace-credential'],
      ['-----BEGIN OPENSSH PRIVATE KEY-----\nabc', 'private-key'],
      ['-----BEGIN PRIVATE KEY-----\nabc', 'private-key'],
      ['AKIAABCDEFGHIJKLMNOP is the id', 'aws-access-key'],
      [`token ghp_${'x'.repeat(36)}`, 'github-token'],
      ['Password: hunter22', 'password'],
      ['hasło: Tajne123', 'password'],
    ];
    for (const [text, rule] of cases) {
      const verdict = check(text);
      expect(verdict, text).toMatchObject({ ok: false, code: 'secret', notice: { code: 'compliance.secret', params: { rule } } });
      if (!verdict.ok) expect(verdict.message).not.toContain(text.slice(-10));
    }
    expect(check('Reset the password of your account with the link below.').ok).toBe(true);
  });

  it('allows links only to the allowed hosts (a *. entry covers subdomains), and bare www. names count as links', () => {
    expect(check('Open https://market.example.test/approvals or http://wiki.intranet.example/a').ok).toBe(true);
    expect(check('See https://evil.example/x')).toMatchObject({ ok: false, code: 'link-domain', notice: { params: { host: 'evil.example' } } });
    expect(check('go to www.evil.com now')).toMatchObject({ ok: false, code: 'link-domain' });
    expect(check('https://market.example.test.evil.example/')).toMatchObject({ ok: false, code: 'link-domain' });
    // file names are not links; mail addresses are not links
    expect(check('Edit README.md and setup.sh, or write to help@evil.example').ok).toBe(true);
    expect(linkHosts('//cdn.evil.example/x.js')).toEqual(['cdn.evil.example']);
  });

  it('requires the footer when the organisation sets one, and refuses a message over the size limit', () => {
    expect(check('Hi', { footer: 'Acme Corp\nConfidential' })).toMatchObject({ ok: false, code: 'footer-missing' });
    expect(check('Hi\n-- \nAcme Corp Confidential', { footer: 'Acme Corp\nConfidential' }).ok).toBe(true);
    expect(check('Hi', {}, 10_001)).toMatchObject({ ok: false, code: 'too-large', notice: { params: { bytes: 10_001, max: 10_000 } } });
  });
});

describe('template filling', () => {
  it('puts values in verbatim and evaluates nothing', () => {
    expect(fillTemplate('Hi {{ name }}, {{link}}', { name: '{{link}} <b>', link: 'x' })).toBe('Hi {{link}} <b>, x');
    expect(() => fillTemplate('{{missing}}', {})).toThrow(/missing/);
    expect(() => fillTemplate('{{toString}}', {})).toThrow(/toString/);
  });

  it('names placeholders a kind does not give', () => {
    expect(unknownPlaceholders('password-reset', '{{name}} {{footer}} {{publicUrl}}', '{{ link }}')).toEqual([]);
    expect(unknownPlaceholders('password-reset', '{{nam}}', '{{1x}} {{__proto__}}')).toEqual(['nam', '1x', '__proto__']);
  });

  it('keeps a subject on one line', () => {
    expect(oneLine('Re: a\r\nBcc: victim@example.com')).toBe('Re: a Bcc: victim@example.com');
  });
});
