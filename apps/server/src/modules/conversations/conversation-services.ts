import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue } from '@marketplace/db';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import type { MailSender } from '@marketplace/mail';
import { mailSenderFor } from '../mail-intake/mail-sender.js';
import { followEmailConversations } from './follow-email-conversations.js';
import { abandonIdleConversations } from './conversation-repository.js';
import { decideIncomingMail } from './mail-conversations.js';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { periodicSweep, type PeriodicSweep } from '../../db/periodic-sweep.js';
import { submitRequest } from '../pipeline/request-service.js';
import { createLlmRegistry, type LlmRegistry } from '../llm-settings/llm-registry.js';
import type { EventBus } from '../events/event-bus.js';
import type { InboxChanges } from '../mail-processing/inbox-change.js';
import type { MailPipeline } from '../mail-processing/mail-pipeline.js';
import type { ConversationTools } from '../mcp-client/conversation-tools.js';

/** What conversations need from the rest of the server, whether they arrive over HTTP or by mail. */
export interface ConversationServices {
  db: Db;
  config: Config;
  llm: LlmRegistry;
  /** Each saved turn is announced to the conversation's owner (event `conversation`). */
  events: EventBus;
  logger: FastifyBaseLogger;
  /** Submits a finished spec to the pipeline (submitRequest with source 'conversation' or 'email'). */
  submit(input: { orgId: string; userId: string; spec: object; text: string | null; source: 'conversation' | 'email'; requestedBy?: string | null }): Promise<string>;
  /** The SMTP sender for answers by mail (null when SMTP_HOST is not set) and the marketplace address. */
  mail: { sender: MailSender | null; address: string; publicUrl: string };
  /** The inbound pipeline (mail-processing): analyses every message and may route a proven sender's mail to an app's inbox. Set by the composition root. */
  mailPipeline?: MailPipeline;
  /** The organisation's MCP tools a turn may offer the model (mcp-client). Set by the composition root. */
  tools?: ConversationTools;
  /** The app inboxes' changes and owners' replies by mail (mail-processing). Set by the composition root. */
  inboxChanges?: InboxChanges;
}

/** What building the conversation services needs: the server's shared parts and the job queue (null when this process runs none). */
export interface ConversationDeps {
  db: Db;
  config: Config;
  events: EventBus;
  logger: FastifyBaseLogger;
  jobs: JobQueue | null;
}

export function createConversationServices(deps: ConversationDeps): ConversationServices {
  const { config, db, events, logger } = deps;
  const sender = mailSenderFor(config, logger);
  return {
    db,
    config,
    llm: createLlmRegistry({ db, config, logger }),
    events,
    logger,
    submit: (input) => submitRequest(deps, { ...input, notice: null }),
    mail: { sender, address: config.smtp.from, publicUrl: config.publicUrl },
  };
}

/** Mail to the marketplace address (and its +token reply addresses) that no earlier handler took starts or continues a conversation. */
export function conversationMailHandler(services: ConversationServices): MailIngestHandler {
  // handed over by the intake queue: stored and claimed already, the queue records the outcome
  return (mail) => decideIncomingMail(services, mail.record, mail.raw);
}

/**
 * The conversations' own background work on mail: build news sent to conversations started by
 * mail (every 30 s). Stored mail is processed by mail intake's queue (incoming-mail-queue.ts).
 */
export function conversationMailLoop(services: ConversationServices): { start(): Promise<void>; stop(): void } {
  let follow: NodeJS.Timeout | undefined;
  return {
    async start() {
      follow ??= setInterval(() => void followEmailConversations(services).catch((error) => services.logger.warn({ err: error }, 'could not follow e-mail conversations')), 30_000);
      follow.unref();
    },
    stop: () => clearInterval(follow),
  };
}

/** How often the sweeper looks for idle conversations. */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * Marks conversations idle longer than CONVERSATION_IDLE_HOURS as abandoned: at start, then every
 * hour. Runs in the processes that run jobs (roles all and worker); safe to run in several at once.
 */
export function conversationSweeper(services: Pick<ConversationServices, 'db' | 'config' | 'logger'>): PeriodicSweep {
  return periodicSweep(
    SWEEP_EVERY_MS,
    async () => {
      const count = await abandonIdleConversations(services.db, services.config.conversations.idleHours);
      if (count) services.logger.info({ component: 'conversation-sweeper', count, idleHours: services.config.conversations.idleHours }, 'marked idle conversations abandoned');
    },
    (error) => services.logger.warn({ err: error }, 'could not mark idle conversations abandoned'),
  );
}

/** Releases what the services hold open (LLM clients, the SMTP connection). */
export async function closeConversationServices(services: ConversationServices): Promise<void> {
  await services.llm.close();
  services.mail.sender?.close();
}
