import { z } from 'zod';

/**
 * Notices the server (and what it relays from the pipeline and the agents) writes for people to
 * read: each carries a stable code and its parameters beside the English sentence, so the web UI
 * words it in the reader's language while API and mail users keep the sentence. Every code here
 * has an entry under `notices` in the web's English and Polish catalogs (a test checks it).
 */
export const NOTICE_CODES = [
  // What a similar catalog app shares with a draft (chat).
  'similar.kind',
  'similar.fields',
  'similar.sources',
  // The scan step's scanners.
  'scan.secretsFound',
  'scan.noSecrets',
  'scan.patternsFound',
  'scan.noPatterns',
  'scan.threatFound',
  'scan.noThreat',
  // The validation step's checks that passed.
  'validation.built',
  'validation.testsRan',
  'validation.listening',
  'validation.healthAnswered',
  'validation.stopped',
  // The validation step's trial run of the app, one per kind.
  'validation.exercisedApi',
  'validation.exercisedDashboard',
  'validation.exercisedForm',
  'validation.exercisedAutomation',
  'validation.exercisedDataTool',
  // Why a request failed (the step's error and the request's).
  'failure.generatorRefused',
  'failure.validation',
  'failure.scanFlagged',
  'failure.approvalRejected',
  'failure.approvalRejectedNoReason',
  'failure.versionExists',
  'failure.appNotOwned',
  'failure.storedSpecInvalid',
  'failure.storedManifestInvalid',
  'failure.storedScanReportInvalid',
  'failure.stepError',
  // A version's changelog, one entry per change of the spec (version-changelog.ts).
  'changelog.firstVersion',
  'changelog.rebuilt',
  'changelog.kind',
  'changelog.title',
  'changelog.entityAdded',
  'changelog.entityRemoved',
  'changelog.entityRenamed',
  'changelog.fieldAdded',
  'changelog.fieldRemoved',
  'changelog.fieldRenamed',
  'changelog.fieldTypeChanged',
  'changelog.fieldChanged',
  'changelog.fieldsReordered',
  'changelog.schedule',
  'changelog.scheduleRemoved',
  'changelog.sourceAdded',
  'changelog.sourceRemoved',
  'changelog.outputAdded',
  'changelog.outputRemoved',
  'changelog.auth',
  'changelog.language',
  // An agent's health probe of a deployed app.
  'health.answered',
  'health.failed',
  'health.timedOut',
  // Why a deployment is in its state, as its agent reports it (the reason's notices, apps/agent/src/reason.ts).
  'deployment.readPathsGranted',
  'deployment.readPathMissing',
  'deployment.readPathUnreadable',
  'deployment.healthCheckFailed',
  'deployment.dataRestored',
  'deployment.dataRestoredAside',
  'deployment.keepsServing',
  'deployment.keepsServingWithData',
  'deployment.reinstallHealthFailed',
  'deployment.reinstallStartFailed',
  'deployment.reinstallInterrupted',
  'deployment.previousCopyServes',
  'deployment.previousCopyDown',
  'deployment.startFailed',
  'deployment.removedByServer',
  'deployment.rolledBackByServer',
  'deployment.rolledBackByOperator',
  'deployment.versionNotCurrent',
  'deployment.notDeployedHere',
  'deployment.rollbackFailed',
  'deployment.commandFailed',
  'deployment.installedLocally',
  'deployment.installFailed',
  'deployment.downloadFailed',
  'deployment.bundleMissing',
  'deployment.releaseRefused',
  // Why the policy holds a request or a distribution for a reviewer (approvals/reach-policy.ts, distribution-approval.ts).
  'approval.allApps',
  'approval.hostsOutside',
  'approval.mcpToolsOutside',
  'approval.distributeToAll',
  'approval.distributeToOthers',
  // Why an outgoing mail was not sent (outgoing-mail/mail-compliance.ts).
  'compliance.secret',
  'compliance.linkDomain',
  'compliance.footerMissing',
  'compliance.tooLarge',
  // Why an MCP server's test (or call) failed (mcp-client/mcp-connection.ts, mcp-target.ts).
  'mcpTest.stdioDisabled',
  'mcpTest.timeout',
  'mcpTest.cannotStart',
  'mcpTest.connectFailed',
  'mcpTest.callFailed',
  'mcpTest.errorOutput',
  'mcpTest.outputTooLarge',
  'mcpTest.targetRefused',
  'mcpTest.targetNeverCalled',
  // Why the inbound mail pipeline read a message as it did, stage by stage (mail-processing, decision 0058).
  'mailStage.senderNotRead',
  'mailStage.automatic',
  'mailStage.senderAuthFailed',
  'mailStage.senderUnknown',
  'mailStage.senderLimited',
  'mailStage.senderForeignToken',
  'mailStage.senderConfirmationOtherSender',
  'mailStage.senderConfirmationExpired',
  'mailStage.senderRefused',
  'mailStage.senderUnproven',
  'mailStage.senderUnprovenNoDkim',
  'mailStage.senderInboxOwner',
  'mailStage.senderReporterReply',
  'mailStage.senderReporterChange',
  'mailStage.senderConfirmedReply',
  'mailStage.senderConfirmed',
  'mailStage.senderConversationReply',
  'mailStage.senderDkim',
  'mailStage.spamBuiltinOnly',
  'mailStage.spamRspamdFailed',
  'mailStage.spamGtube',
  'mailStage.spamRules',
  'mailStage.spamNoRule',
  'mailStage.spamRspamd',
  'mailStage.spamRspamdSymbols',
  'mailStage.languageDetected',
  'mailStage.languageDefault',
  'mailStage.classFollowUp',
  'mailStage.classBugNamedApp',
  'mailStage.classBug',
  'mailStage.classBugNoApp',
  'mailStage.classNewTool',
  'mailStage.classTool',
  'mailStage.classFeedback',
  'mailStage.classFeedbackNoApp',
  'mailStage.classAnswersOurs',
  'mailStage.classQuestion',
  'mailStage.classNoRule',
  'mailStage.classModel',
  'mailStage.appNoOrganisation',
  'mailStage.appByThread',
  'mailStage.appNamed',
  'mailStage.appThreadNoApp',
  'mailStage.appNone',
  'mailStage.appOnlyRunning',
  'mailStage.appSenderRuns',
  'mailStage.summaryBuiltin',
  'mailStage.summaryModel',
  'mailStage.routeRule',
  'mailStage.routeNoRule',
  'mailStage.routeNoApp',
  'mailStage.routeUnread',
  'mailStage.routeByTrust',
] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

/** Parameters are short values put into the sentence: names, numbers, paths. */
const param = z.union([z.string().max(500), z.number()]);

export const noticeSchema = z
  .object({ code: z.enum(NOTICE_CODES), params: z.record(z.string().max(40), param) })
  .meta({ id: 'Notice', description: 'A notice as a stable code and its parameters, worded by the UI; the English sentence travels beside it' });
export type Notice = z.infer<typeof noticeSchema>;

/**
 * A notice an agent relays (over HTTP or in a status mail): its code may be one a newer agent knows
 * and this server does not, so only its shape is checked (the UI words the codes it knows and shows
 * the English sentence otherwise). One schema, in @marketplace/mail, for both ways in.
 */
export { relayedNoticeSchema } from '@marketplace/mail';

export const notice = (code: NoticeCode, params: Record<string, string | number> = {}): Notice => ({ code, params });
