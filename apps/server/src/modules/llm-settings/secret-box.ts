import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';

const VERSION = 'v1';

/** What one box seals: its own HKDF salt and info (so keys differ per use), and how errors name the value and its fix. */
export interface SecretBoxPurpose {
  salt: string;
  info: string;
  /** e.g. "provider API key" */
  what: string;
  /** e.g. "set the key again with PUT /api/v1/llm/providers" */
  fix: string;
}

const PROVIDER_KEYS: SecretBoxPurpose = { salt: 'marketplace/llm-provider-keys', info: 'aes-256-gcm provider api key v1', what: 'provider API key', fix: 'set the key again with PUT /api/v1/llm/providers' };

/**
 * Encrypts secrets at rest (provider API keys by default; webhook signing secrets): AES-256-GCM under a key derived from JWT_SECRET with HKDF
 * (SHA-256), a fresh 96-bit nonce per value, and the org and provider id as associated data, so a
 * ciphertext copied to another org's row does not decrypt.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export function createSecretBox(secret: string, purpose: SecretBoxPurpose = PROVIDER_KEYS): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), purpose.salt, purpose.info, 32));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new AppError('SECRET_UNREADABLE', 500, `A stored ${purpose.what} has an unknown format; ${purpose.fix}.`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new AppError('SECRET_UNREADABLE', 500, `A stored ${purpose.what} cannot be decrypted (was JWT_SECRET changed?); ${purpose.fix}.`, { cause: error });
      }
    },
  };
}
