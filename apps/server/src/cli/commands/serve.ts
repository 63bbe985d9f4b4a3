import { Option, type Command } from 'commander';
import { ROLES, startServer, type Role } from '../../composition/server.js';
import { stopWithLauncher } from '../stop-with-launcher.js';

export function registerServe(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('Run the server (API, web UI, jobs and mail) on the embedded defaults or your configuration')
    .addOption(new Option('--role <role>', 'which part to run').choices(ROLES).default('all'))
    .action(async (options: { role: Role }) => {
      stopWithLauncher();
      const server = await startServer({ role: options.role });
      const { config, database } = server.runtime;
      if (server.url) {
        const base = config.publicUrl;
        const lines = [
          '',
          `  marketplace is running (${options.role}, database: ${database.dialect === 'pglite' ? `PGlite in ${config.dataDir}/db` : 'PostgreSQL'})`,
          '',
          `  API        ${base}/api/v1`,
          `  API docs   ${base}/docs`,
          `  Health     ${base}/readyz   Metrics ${base}/metrics`,
          ...(server.mailHub ? [`  Mail hub   smtp://${server.mailHub.host}:${server.mailHub.port}  (Maildirs in ${config.dataDir}/mail/; agents: marketplace-agent run --maildir ${config.dataDir}/mail/<agent address>)`] : []),
          ...(server.serviceMailbox ? [`  Mailbox    imap://${config.imap.user}@${config.imap.host}:${config.imap.port}  (mail to ${config.smtp.from}, read on IDLE and every minute)`] : []),
          ...(server.gmailMailbox ? [`  Gmail      mailboxes connected in Admin → Gmail are read every minute${config.mailTransport === 'gmail' ? '; outgoing mail is sent through Gmail' : ''} (${base}/admin/gmail)`] : []),
          '',
          '  Sign in: create your organization and first admin with',
          `    curl -X POST ${base}/api/v1/auth/register -H 'content-type: application/json' \\`,
          `      -d '{"organization":"Acme","name":"Ana","email":"ana@acme.test","password":"a-long-password"}'`,
          '  or headless: npx marketplace admin create --org Acme --email ana@acme.test',
          '',
        ];
        if (server.runtime.generatedSecret) lines.push(`  (generated a JWT secret in ${config.dataDir}/secrets; set JWT_SECRET in production)`, '');
        process.stdout.write(`${lines.join('\n')}\n`);
      } else if (server.opsUrl) {
        process.stdout.write(`\n  marketplace is running (${options.role}); health ${server.opsUrl}/readyz   metrics ${server.opsUrl}/metrics\n\n`);
      }
    });
}
