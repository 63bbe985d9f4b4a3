import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createOrgKeys, type OrgKeys } from './org-keys-service.js';
import { resolveRootPassphrase } from './root-passphrase.js';
import type { Config } from '../../config/config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Organisation signing keys: the catalog signs releases with `signingKey`, enrolment hands out `publicInfo`. */
    orgKeys: OrgKeys;
  }
}

/** Organisation keys whose root passphrase is resolved on first use, so a server that never signs needs none. */
export function createConfiguredOrgKeys(db: Parameters<typeof createOrgKeys>[0], config: Config): OrgKeys {
  let passphrase: Promise<string> | undefined;
  const resolve = () => {
    passphrase ??= resolveRootPassphrase(config).catch((error) => {
      passphrase = undefined;
      throw error;
    });
    return passphrase;
  };
  return createOrgKeys(db, resolve);
}

/** Decorates `app.orgKeys`: the process's one instance when given (shared with the job workers), else a new one. */
export default fp(
  async function orgKeysPlugin(app: FastifyInstance, options: { orgKeys?: OrgKeys | undefined }) {
    app.decorate('orgKeys', options.orgKeys ?? createConfiguredOrgKeys(app.db, app.config));
  },
  { name: 'org-keys', dependencies: ['database'] },
);
