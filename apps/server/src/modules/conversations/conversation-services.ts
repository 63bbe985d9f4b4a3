import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { MailSender } from '@marketplace/mail';
import { mailSenderFor } from '../../mail-sender.js';
import { followEmailConversations } from '../mail-ingest/follow-email-conversations.js';
import { handleIncomingMail, processPendingMail } from '../mail-ingest/handle-incoming-mail.js';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { submitRequest } from '../catalog/requests-routes.js';
import { createLlmRegistry, type LlmRegistry } from '../llm-settings/llm-registry.js';
import type { EventBus } from '../events/event-bus.js';

/** What conversations need from the rest of the server, whether they arrive over HTTP or by mail. */
export interface ConversationServices {
  db: Db;
  config: Config;
  llm: LlmRegistry;
  /** Each saved turn is announced to the conversation's owner (event `conversation`). */
  events: EventBus;
  logger: FastifyBaseLogger;
  /** Submits a finished spec to the pipeline (submitRequest with source 'conversation' or 'email'). */
  submit(input: { orgId: string; userId: string; spec: object; text: string | null; source: 'conversation' | 'email' }): Promise<string>;
  /** The SMTP sender for answers by mail (null when SMTP_HOST is not set) and the marketplace address. */
  mail: { sender: MailSender | null; address: string };
}

declare module 'fastify' {
  interface FastifyInstance {
    conversationServices: ConversationServices;
  }
}

export function createConversationServices(app: FastifyInstance): ConversationServices {
  const { config } = app;
  const sender = mailSenderFor(config, app.log);
  return {
    db: app.db,
    config,
    llm: createLlmRegistry({ db: app.db, config, logger: app.log }),
    events: app.events,
    logger: app.log,
    submit: (input) => submitRequest(app, { ...input, notice: null }),
    mail: { sender, address: config.smtp.from },
  };
}

/** Decorates the root instance with the conversation services, so HTTP routes and mail ingestion share them. */
export default fp(
  async function conversationServicesPlugin(app: FastifyInstance) {
    const services = createConversationServices(app);
    app.decorate('conversationServices', services);
    // Mail to the marketplace address (and its +token reply addresses) that no earlier handler took
    // (agent status reports) starts or continues a conversation.
    if (app.hasDecorator('mailIngest')) {
      app.mailIngest.register(async (mail) => {
        await handleIncomingMail(services, mail.raw, { from: mail.envelopeFrom, to: [mail.recipient] });
        return true;
      });
    }
    const follow = setInterval(() => void followEmailConversations(services).catch((error) => app.log.warn({ err: error }, 'could not follow e-mail conversations')), 30_000);
    follow.unref();
    app.addHook('onReady', async () => {
      // Mail stored before a crash but not yet processed.
      await processPendingMail(services).catch((error) => app.log.error({ err: error }, 'could not process pending mail'));
    });
    app.addHook('onClose', async () => {
      clearInterval(follow);
      await services.llm.close();
      services.mail.sender?.close();
    });
  },
  { name: 'conversation-services', dependencies: ['database', 'events'] },
);
