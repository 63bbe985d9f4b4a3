import type { Command } from 'commander';
import { findOrganizationByIdOrSlug } from '../../modules/accounts/accounts-repository.js';
import { listChains, verifyAudit } from '../../modules/audit/audit-repository.js';
import { openRuntime } from '../../composition/runtime.js';
import type { Db } from '../../db/schema.js';

export function registerAuditVerify(program: Command): void {
  program
    .command('audit')
    .description('The audit log')
    .command('verify')
    .description('Check every organization’s hash chain; exit 1 and name the first bad entry when one is broken')
    .option('--org <id>', 'only this organization (its id or slug)')
    .action(async (options: { org?: string }) => {
      const runtime = await openRuntime();
      try {
        const db = runtime.database.db as Db;
        let chains: string[];
        if (options.org) {
          const organization = await findOrganizationByIdOrSlug(db, options.org);
          if (!organization) {
            throw Object.assign(new Error(`--org '${options.org}' is neither the id nor the slug of an organization in this database; leave --org out to check every organization.`), { code: 'ORG_NOT_FOUND' });
          }
          chains = [`org:${organization.id}`];
        } else chains = await listChains(db);
        let broken = 0;
        for (const chain of chains) {
          const orgId = chain.startsWith('org:') ? chain.slice(4) : null;
          const verdict = await verifyAudit(db, orgId);
          if (verdict.ok) process.stdout.write(`ok      ${chain}: ${verdict.checked} entries\n`);
          else {
            broken += 1;
            process.stdout.write(`BROKEN  ${chain}: ${verdict.message}\n`);
          }
        }
        if (!chains.length) process.stdout.write('no audit entries yet\n');
        if (broken) process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });
}
