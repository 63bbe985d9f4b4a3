import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { AgentsService } from '../modules/agents/agents-repository.js';
import type { ApprovalsService } from '../modules/approvals/approvals-service.js';
import { conversationMailLoop, type ConversationServices } from '../modules/conversations/conversation-services.js';
import type { DeploymentsService } from '../modules/deployments/deployment-events.js';
import type { GmailService } from '../modules/gmail/gmail-service.js';
import type { MailIngest } from '../modules/mail-intake/mail-intake.js';
import type { IncomingMailQueue } from '../modules/mail-intake/incoming-mail-queue.js';
import type { InboxChanges } from '../modules/mail-processing/inbox-change.js';
import type { McpClientService } from '../modules/mcp-client/mcp-client-service.js';
import type { WebhooksService } from '../modules/webhooks/webhooks-service.js';
import type { ServerServices } from './services.js';

declare module 'fastify' {
  interface FastifyInstance {
    agents: AgentsService;
    deployments: DeploymentsService;
    approvals: ApprovalsService;
    /** Mail addressed to the server itself (SMTP_FROM): handlers see each message once. */
    mailIngest: MailIngest;
    conversationServices: ConversationServices;
    /** Stored incoming mail waiting for its handlers (the embedded hub kicks it). */
    mailQueue: IncomingMailQueue;
    webhooks: WebhooksService;
    /** The Gmail mailbox (connect, read, send); null when GMAIL_CLIENT_ID is not set. */
    gmail: GmailService | null;
    /** Registered MCP servers and policy-checked, audited calls of their tools. */
    mcpClient: McpClientService;
    /** "Reply and change the app" on the app owners' inbox. */
    inboxChanges: InboxChanges;
  }
}

/**
 * Decorates the app with the process's services, so routes reach the same objects the jobs and
 * the mail hub use, and runs the conversations' mail loop while the app runs.
 */
export default fp(
  async function servicesPlugin(app: FastifyInstance, options: { services: ServerServices; owned: boolean }) {
    const { services } = options;
    app.decorate('agents', services.agents);
    app.decorate('deployments', services.deployments);
    app.decorate('approvals', services.approvals);
    app.decorate('mailIngest', services.mailIntake);
    app.decorate('conversationServices', services.conversations);
    app.decorate('mailQueue', services.mailQueue);
    app.decorate('webhooks', services.webhooks);
    app.decorate('gmail', services.gmail);
    app.decorate('mcpClient', services.mcpClient);
    app.decorate('inboxChanges', services.inboxChanges);
    const loop = conversationMailLoop(services.conversations);
    app.addHook('onReady', async () => {
      await services.mailQueue.start();
      await loop.start();
    });
    app.addHook('onClose', async () => {
      loop.stop();
      await services.mailQueue.stop();
      if (options.owned) await services.close();
    });
  },
  { name: 'services', dependencies: ['database'] },
);
