import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createOrgKeys, type OrgKeys } from './org-keys-service.js';
import { resolveRootPassphrase } from './root-passphrase.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Organisation signing keys: the catalog signs releases with `signingKey`, enrolment hands out `publicInfo`. */
    orgKeys: OrgKeys;
  }
}

/** Decorates `app.orgKeys`; the passphrase is resolved on first use, so a server that never signs needs none. */
export default fp(
  async function orgKeysPlugin(app: FastifyInstance) {
    let passphrase: Promise<string> | undefined;
    const resolve = () => {
      passphrase ??= resolveRootPassphrase(app.config).catch((error) => {
        passphrase = undefined;
        throw error;
      });
      return passphrase;
    };
    app.decorate('orgKeys', createOrgKeys(app.db, resolve));
  },
  { name: 'org-keys', dependencies: ['database'] },
);
