import { createHash } from 'node:crypto';

/** A mail's key in the journal and the nonce store: the SHA-256 of its raw bytes. */
export const mailKey = (raw: Buffer) => createHash('sha256').update(raw).digest('hex');
