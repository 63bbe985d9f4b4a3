import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnvelope, preAuthEncoding, signEnvelope, verifyEnvelopeSignature } from './dsse.js';
import { keyIdOf } from './keys.js';

describe('DSSE', () => {
  it('encodes PAE exactly as the DSSE specification example', () => {
    // github.com/secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world")
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts lengths in bytes, not characters', () => {
    expect(preAuthEncoding('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('signs over PAE so a signature does not carry over to another payload type', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const payload = Buffer.from('{"a":1}');
    const envelope = signEnvelope('application/x-one', payload, [privateKey]);
    expect(envelope.signatures[0]!.keyid).toBe(keyIdOf(publicKey));
    expect(verifyEnvelopeSignature('application/x-one', payload, envelope.signatures[0]!.sig, publicKey)).toBe(true);
    expect(verifyEnvelopeSignature('application/x-two', payload, envelope.signatures[0]!.sig, publicKey)).toBe(false);
    expect(verifyEnvelopeSignature('application/x-one', Buffer.from('{"a":2}'), envelope.signatures[0]!.sig, publicKey)).toBe(false);
  });

  it('rejects envelopes that are too large, not JSON, missing fields or carrying too many signatures', () => {
    expect(parseEnvelope('x'.repeat(100), 50, 4)).toMatchObject({ ok: false, reason: expect.stringContaining('100 bytes') });
    expect(parseEnvelope('{', 50, 4)).toMatchObject({ ok: false, reason: 'it is not valid JSON' });
    expect(parseEnvelope('{"payload":"YQ=="}', 100, 4)).toMatchObject({ ok: false, reason: expect.stringContaining('payloadType') });
    expect(parseEnvelope('{"payloadType":"t","payload":"not base64!","signatures":[]}', 100, 4)).toMatchObject({ ok: false, reason: expect.stringContaining('base64') });
    const many = JSON.stringify({ payloadType: 't', payload: 'YQ==', signatures: Array.from({ length: 5 }, () => ({ keyid: 'k', sig: 'YQ==' })) });
    expect(parseEnvelope(many, 10_000, 4)).toMatchObject({ ok: false, reason: expect.stringContaining('5 signatures') });
  });
});
