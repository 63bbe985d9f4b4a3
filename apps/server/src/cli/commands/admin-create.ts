import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { appendAudit } from '../../modules/audit/audit-repository.js';
import { createOrganization, findUserByEmail, insertUser } from '../../modules/accounts/accounts-repository.js';
import { checkPasswordPolicy, hashPassword } from '../../security/passwords.js';
import { openRuntime } from '../../composition/runtime.js';
import type { Db } from '../../db/schema.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerAdminCreate(program: Command): void {
  program
    .command('admin')
    .description('Administration without the web UI')
    .command('create')
    .description('Create an organization and its first admin (headless set-up)')
    .requiredOption('--org <name>', 'organization name')
    .requiredOption('--email <email>', 'the admin’s e-mail')
    .option('--name <name>', 'the admin’s display name', 'Administrator')
    .option('--password-stdin', 'read the password from standard input (otherwise one is generated and printed)')
    .action(async (options: { org: string; email: string; name: string; passwordStdin?: boolean }) => {
      if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw Object.assign(new Error(`--email must be an e-mail address, got '${options.email}'`), { code: 'BAD_ARGUMENT' });
      const password = options.passwordStdin ? await readStdin() : randomBytes(15).toString('base64url');
      checkPasswordPolicy(password, options.email);
      const runtime = await openRuntime();
      try {
        const db = runtime.database.db as Db;
        if (await findUserByEmail(db, options.email)) throw Object.assign(new Error(`${options.email} already has an account`), { code: 'EMAIL_TAKEN' });
        const passwordHash = await hashPassword(password);
        const { organization, user } = await db.transaction().execute(async (trx) => {
          const organization = await createOrganization(trx, options.org);
          const user = await insertUser(trx, { orgId: organization.id, email: options.email, name: options.name, passwordHash, roles: ['admin'] });
          return { organization, user };
        });
        await appendAudit(db, { orgId: organization.id, actorType: 'system', actorId: 'cli', action: 'admin.create', targetType: 'user', targetId: user.id, result: 'success', details: { email: user.email } });
        process.stdout.write(`created organization "${organization.name}" (${organization.slug}) and admin ${user.email}\n`);
        if (!options.passwordStdin) process.stdout.write(`password: ${password}\n(shown once; sign in at ${runtime.config.publicUrl}/ and change it under My account: ${runtime.config.publicUrl}/account)\n`);
      } finally {
        await runtime.close();
      }
    });
}
