/** @marketplace/mail/testing: real services for tests (Dovecot), never imported by production code. */
export { findDovecot, INSTALL_HINT, startDovecot } from './start-dovecot.js';
export type { DovecotUser, TestDovecot } from './start-dovecot.js';
export { freePort } from './free-port.js';
export { sampleRelease } from './sample-release.js';
export type { SampleRelease } from './sample-release.js';
export { swaks, swaksAvailable } from './swaks.js';
export { postfixDsn } from './postfix-dsn.js';
