import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { ServerDatabase } from '../db/database.js';
import type { Db } from '../db/schema.js';
import { createAgentsService, type AgentsService } from '../modules/agents/agents-repository.js';
import { closeConversationServices, conversationMailHandler, createConversationServices, type ConversationServices } from '../modules/conversations/conversation-services.js';
import { createDeploymentsService, type DeploymentsService } from '../modules/deployments/deployment-events.js';
import { dsnMailHandler } from '../modules/outgoing-mail/dsn-mail-handler.js';
import { statusMailHandler } from '../modules/deployments/status-mail-handler.js';
import { createLocalEventBus, type EventBus } from '../modules/events/event-bus.js';
import { createMailIngest, type MailIngest } from '../modules/mail-intake/mail-intake.js';
import { createIncomingMailQueue, type IncomingMailQueue } from '../modules/mail-intake/incoming-mail-queue.js';
import { createMailPipeline } from '../modules/mail-processing/mail-pipeline.js';
import { createInboxChanges, type InboxChanges } from '../modules/mail-processing/inbox-change.js';
import { changeAppInWords } from '../modules/conversations/change-app.js';
import { createConfiguredOrgKeys } from '../modules/org-keys/org-keys-plugin.js';
import type { OrgKeys } from '../modules/org-keys/org-keys-service.js';
import type { PipelineServices } from '../modules/pipeline/pipeline-services.js';
import { createApprovalsService, type ApprovalsService } from '../modules/approvals/approvals-service.js';
import { publishDecisionOutcome } from '../modules/pipeline/publish-approval.js';
import { distributeDecisionOutcome } from '../modules/distribution/distribution-approval.js';
import { createWebhooksService, type WebhooksService } from '../modules/webhooks/webhooks-service.js';
import { createGmailService, type GmailService } from '../modules/gmail/gmail-service.js';
import { createGmailSender } from '../modules/gmail/gmail-sender.js';
import { registerOutgoingTransport } from '../modules/mail-intake/mail-sender.js';
import { createMcpClientService, type McpClientService } from '../modules/mcp-client/mcp-client-service.js';
import { createConversationTools } from '../modules/mcp-client/conversation-tools.js';
import { campaignBounceListener } from '../modules/campaigns/campaign-bounces.js';
import { legacyCampaignBounceHandler } from '../modules/campaigns/legacy-campaign-bounces.js';
import { campaignProgressOnDeployments } from '../modules/campaigns/campaign-progress.js';
import { createMqttPublisher, type MqttPublisher } from '../modules/mqtt/mqtt-publisher.js';

const RELEASE_VALIDITY_DAYS = 365;

/**
 * The server's plain service objects, built once per process and shared by the HTTP routes
 * (decorated on the app), the job workers and the mail hub.
 */
export interface ServerServices {
  config: Config;
  database: ServerDatabase;
  db: Db;
  logger: FastifyBaseLogger;
  jobs: JobQueue | null;
  orgKeys: OrgKeys;
  events: EventBus;
  agents: AgentsService;
  deployments: DeploymentsService;
  conversations: ConversationServices;
  /** Reviewers' decisions; what follows one is registered here per kind (publish, distribute). */
  approvals: ApprovalsService;
  /** Mail to the server's own address: deployments' status reports first, then conversations. */
  mailIntake: MailIngest;
  /** Stored incoming mail, processed off the SMTP listener's path (started by the processes that handle mail). */
  mailQueue: IncomingMailQueue;
  /** "Reply and change the app" on inbox threads; hears published requests to tell their reporters. */
  inboxChanges: InboxChanges;
  /** Outgoing webhooks: hears the events this process publishes and queues their deliveries. */
  webhooks: WebhooksService;
  /** The Gmail mailbox (GMAIL_CLIENT_ID set): consent, the API per connection; with MAIL_TRANSPORT=gmail also every sender's transport. */
  gmail: GmailService | null;
  /** The organisations' registered MCP servers and the calls of their tools (policy-checked, audited). */
  mcpClient: McpClientService;
  /** Events to the MQTT broker when MQTT_URL is set. */
  mqtt: MqttPublisher | null;
  /** Releases what the services hold open (not the database, the event bus or the queue: their owner closes those). */
  close(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  database: ServerDatabase;
  logger: FastifyBaseLogger;
  jobs?: JobQueue | null;
  /** The process's organisation keys; a new instance when omitted. */
  orgKeys?: OrgKeys;
  /** The process's event bus; an in-process one when omitted. */
  events?: EventBus;
}

export function createServices(options: ServiceOptions): ServerServices {
  const { config, database, logger } = options;
  const db = database.db as Db;
  const jobs = options.jobs ?? null;
  const events = options.events ?? createLocalEventBus();
  const gmail = createGmailService({ db, config, logger: logger as Logger });
  // Registered before anything asks for a sender (conversations take theirs now).
  if (gmail && config.mailTransport === 'gmail') registerOutgoingTransport(config, createGmailSender({ db, gmail, logger: logger as Logger }));
  const conversations = createConversationServices({ db, config, events, logger, jobs });
  // An owner's change reply runs through the conversation engine; the reporter hears when its version is published.
  // Owners are told of inbox messages by mail and may answer (or change the app) by replying to it.
  const inboxChanges = createInboxChanges({ db, mail: conversations.mail, changeApp: (input) => changeAppInWords(conversations, input), logger: logger as Logger, publicUrl: config.publicUrl });
  conversations.inboxChanges = inboxChanges;
  // Every message the trust rules see is analysed (spam, language, class, app, summary) and may go to an app's inbox.
  const mcpClient = createMcpClientService({ db, config, logger: logger as Logger });
  // Conversation turns may offer the model the MCP tools the organisation's policy lists for conversations.
  conversations.tools = createConversationTools({ db, mcp: mcpClient, logger: logger as Logger });
  conversations.mailPipeline = createMailPipeline({ db, config, llm: conversations.llm, events, logger, onInboxMessage: (notice) => inboxChanges.mailOwners(notice) });
  // Handlers see each message in order; the first to take it ends the chain.
  const mailIntake = createMailIngest();
  // Delivery reports about the server's own mail first: a DSN never reaches a conversation. Campaign
  // mail is outgoing mail too; its campaign hears of each bounce. Announcements sent before decision 0046
  // carried their own return path, still honoured for a while.
  mailIntake.register(legacyCampaignBounceHandler({ db, config, events, logger: logger as Logger }));
  mailIntake.register(dsnMailHandler(db, logger, campaignBounceListener({ db, events })));
  mailIntake.register(statusMailHandler(db, events, logger));
  mailIntake.register(conversationMailHandler(conversations));
  const mailQueue = createIncomingMailQueue({ db, dataDir: config.dataDir, intake: mailIntake, logger });
  const agents = createAgentsService(db);
  const approvals = createApprovalsService(db, logger as Logger);
  approvals.onDecision('publish', publishDecisionOutcome({ db, events, jobs }));
  approvals.onDecision('distribute', distributeDecisionOutcome({ db, events, jobs, agents }));
  const stopInboxChanges = events.onPublish((event) => inboxChanges.onEvent(event));
  const mqtt = config.mqtt ? createMqttPublisher({ ...config.mqtt, db, publicUrl: config.publicUrl, logger: logger as Logger }) : null;
  // The event relay hands each event to the webhooks and, in the same transaction, to MQTT (decision 0050).
  const webhooks = createWebhooksService({ db, config, queue: jobs, logger: logger as Logger, outboxConsumers: mqtt ? [mqtt.outbox] : [] });
  const stopWebhooks = events.onPublish((event) => webhooks.onEvent(event));
  const campaignProgress = campaignProgressOnDeployments(db, events, logger as Logger);
  const stopCampaignProgress = events.onPublish(campaignProgress.onEvent);
  return {
    config,
    database,
    db,
    logger,
    jobs,
    orgKeys: options.orgKeys ?? createConfiguredOrgKeys(db, config),
    events,
    agents,
    deployments: createDeploymentsService(db, events),
    conversations,
    approvals,
    mailIntake,
    mailQueue,
    inboxChanges,
    webhooks,
    mcpClient,
    mqtt,
    gmail,
    async close() {
      stopInboxChanges();
      stopWebhooks();
      await inboxChanges.idle();
      stopCampaignProgress();
      await campaignProgress.idle();
      await webhooks.idle();
      await mqtt?.close();
      await closeConversationServices(conversations);
    },
  };
}

/** What the pipeline's and distribution's jobs use, taken from the same services. */
export function pipelineServices(services: ServerServices, queue: JobQueue, logger: Logger, workDir = services.config.workDir): PipelineServices {
  return {
    db: services.db,
    config: services.config,
    queue,
    keys: services.orgKeys,
    logger,
    events: services.events,
    workDir,
    releaseValidityDays: RELEASE_VALIDITY_DAYS,
    ...(services.config.clamd ? { clamd: { ...services.config.clamd } } : {}),
  };
}
