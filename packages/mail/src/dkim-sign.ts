import { buffer } from 'node:stream/consumers';
import type { DkimOptions } from './mail-fields.js';

/** Adds a DKIM-Signature header (relaxed/relaxed, sha256) to a raw message, with nodemailer's signer. */
export async function signWithDkim(raw: Buffer, dkim: DkimOptions): Promise<Buffer> {
  const { default: DKIM } = await import('nodemailer/lib/dkim');
  const signer = new DKIM({ domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey });
  return buffer(signer.sign(raw));
}
