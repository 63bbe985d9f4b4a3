import { buildStatusEmail, createMailSender } from '@marketplace/mail';
import type { AgentConfig } from './agent-config.js';
import type { DeploymentReport, ServerClient } from './server-client.js';

/** Where status e-mails go when the agent also (or, when the server is unreachable, instead) reports by mail. */
export interface MailReporting {
  host: string;
  port: number;
  to: string;
  secure?: boolean;
  user?: string;
  pass?: string;
}

export interface ReporterOptions {
  config: AgentConfig;
  server: Pick<ServerClient, 'report'>;
  reportByMail?: MailReporting;
  /** Ed25519 private key (PKCS#8 PEM) status mails are signed with; the server refuses unsigned ones. */
  signingKey?: string;
  log: (message: string) => void;
}

export type Report = (entry: DeploymentReport) => Promise<void>;

/**
 * One way out for every deployment state change: POST /agents/reports (queued on disk in the
 * server client's outbox while the server cannot be reached), plus a status e-mail when mail
 * reporting is on. A refusal is logged, never thrown: a report must not stop a deployment.
 */
export function createReporter(options: ReporterOptions): Report {
  const { config, server, reportByMail, signingKey, log } = options;
  const sender = reportByMail
    ? createMailSender({ host: reportByMail.host, port: reportByMail.port, secure: reportByMail.secure ?? false, ...(reportByMail.user ? { user: reportByMail.user, pass: reportByMail.pass } : {}) })
    : null;

  // The server takes a status mail only when it is newer than the last one (replays are refused), so mail times never repeat.
  let lastMailAt = 0;
  return async function report(entry) {
    let outcome: string;
    try {
      outcome = await server.report(entry);
    } catch (error) {
      log(`report ${entry.app} ${entry.version} ${entry.state} refused by the server: ${(error as Error).message}`);
      outcome = 'refused';
    }
    if (!sender || !reportByMail) return;
    const requested = Date.parse(entry.at ?? new Date().toISOString());
    lastMailAt = Math.max(Number.isFinite(requested) ? requested : Date.now(), lastMailAt + 1);
    const at = new Date(lastMailAt).toISOString();
    const raw = await buildStatusEmail({
      from: config.mailbox,
      to: reportByMail.to,
      ...(signingKey ? { signingKey } : {}),
      messageId: `<status.${entry.app}.${entry.version}.${entry.state}.${Date.now()}@${config.mailbox.split('@')[1]}>`,
      status: {
        statusVersion: 1,
        agentId: config.agentId,
        app: entry.app,
        version: entry.version,
        state: entry.state,
        ...(entry.reason ? { reason: entry.reason } : {}),
        ...(entry.health ? { health: { ok: entry.health.ok, ...(entry.health.detail ? { detail: entry.health.detail } : {}), ...(entry.health.notice ? { notice: entry.health.notice } : {}), ...(entry.health.url ? { url: entry.health.url } : {}) } } : {}),
        at,
      },
    });
    const sent = await sender.send({ raw, envelope: { from: config.mailbox, to: [reportByMail.to] } });
    if (!sent.ok) log(`status mail not sent (${outcome}): ${sent.response ?? sent.code}`);
  };
}
