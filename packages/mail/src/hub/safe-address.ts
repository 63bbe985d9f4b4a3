import { isAbsolute, join, relative, resolve } from 'node:path';
import { MailError } from '../mail-error.js';

// local@domain in a conservative subset of RFC 5321: no slashes, no leading dots, no "..",
// nothing a file system or a shell treats specially. Anything else is refused, not rewritten.
const LOCAL = /^[a-z0-9_+-]+(\.[a-z0-9_+-]+)*$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The address, lower-cased, when it is safe as one directory name; otherwise null. */
export function safeMailboxName(address: string): string | null {
  const lower = address.trim().toLowerCase();
  if (lower.length > 254) return null;
  const at = lower.lastIndexOf('@');
  if (at <= 0 || at > 64) return null;
  const local = lower.slice(0, at);
  const domain = lower.slice(at + 1);
  return LOCAL.test(local) && DOMAIN.test(domain) ? lower : null;
}

/** `<dataDir>/mail/<address>`; throws INVALID_ADDRESS for an address that is not safe as a directory name. */
export function mailboxDirectory(dataDir: string, address: string): string {
  const name = safeMailboxName(address);
  const base = resolve(dataDir, 'mail');
  const dir = name === null ? '' : join(base, name);
  const inside = relative(base, dir);
  if (name === null || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new MailError('INVALID_ADDRESS', `"${address.slice(0, 100)}" cannot be a mailbox: use a plain address such as agent@example.com (letters, digits, ".", "_", "+", "-").`);
  }
  return dir;
}
