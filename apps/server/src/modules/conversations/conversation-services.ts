import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createMailSender, type MailSender } from '@marketplace/mail';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { submitRequest } from '../catalog/requests-routes.js';
import { createLlmRegistry, type LlmRegistry } from '../llm-settings/llm-registry.js';

/** What conversations need from the rest of the server, whether they arrive over HTTP or by mail. */
export interface ConversationServices {
  db: Db;
  config: Config;
  llm: LlmRegistry;
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
  const sender = config.smtp.host
    ? createMailSender({ host: config.smtp.host, port: config.smtp.port, secure: config.smtp.secure, ...(config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass } : {}), logger: app.log })
    : null;
  return {
    db: app.db,
    config,
    llm: createLlmRegistry({ db: app.db, config, logger: app.log }),
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
    app.addHook('onClose', async () => {
      await services.llm.close();
      services.mail.sender?.close();
    });
  },
  { name: 'conversation-services', dependencies: ['database'] },
);
