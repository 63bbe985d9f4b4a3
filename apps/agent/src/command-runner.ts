import { join } from 'node:path';
import { isAgentError } from './agent-error.js';
import type { Deployer } from './deployer.js';
import { readJson, writeJsonAtomic } from './json-file.js';
import { LOG_TAIL_LIMITS } from './log-tail.js';
import { notice, reason } from './reason.js';
import type { CommandOutcome, DeploymentReport, ServerClient, ServerCommand } from './server-client.js';

type Reason = NonNullable<CommandOutcome['reason']>;
interface JournalEntry {
  phase: 'running' | 'done' | 'failed';
  reason?: Reason;
  at: string;
}

export interface CommandRunnerOptions {
  deployer: Deployer;
  server: Pick<ServerClient, 'closeCommand'>;
  /** Reports a deployment state change (sent now, or queued while the server is unreachable). */
  report: (entry: DeploymentReport & { deploymentId?: string }) => Promise<void>;
  /** `state/commands.json`: what was started and how it ended, so a command sent again runs once. */
  journalPath: string;
  log: (message: string) => void;
}

const rolledBackByServer = (target: string) => reason('SERVER_ROLLBACK', `Rolled back from the marketplace to ${target}.`, notice('deployment.rolledBackByServer', { version: target }));
const appNotHere = (app: string, version: string, code = 'APP_NOT_DEPLOYED') => reason(code, `${app} ${version} is not deployed on this workstation; nothing was changed.`, notice('deployment.notDeployedHere', { app, version }));

/** Finished commands are kept this long, which is far longer than the server waits before sending one again. */
const KEEP_MS = 7 * 24 * 3600_000;

export const commandJournalPath = (stateDir: string) => join(stateDir, 'commands.json');

/**
 * Runs what the server asks (rollback, remove) through the same Deployer calls as the
 * `marketplace-agent rollback|remove` commands, reports the deployment's new state, then closes the
 * command. Each command takes effect once: the journal records it before it runs and how it ended,
 * so a command sent again after a crash or a lost answer is only closed again; removing an app that
 * is no longer there is done.
 */
export function createCommandRunner(options: CommandRunnerOptions) {
  const { deployer, log } = options;
  const inFlight = new Set<string>();
  let journalLock: Promise<unknown> = Promise.resolve();

  function updateJournal(id: string, entry: JournalEntry): Promise<void> {
    const next = journalLock.then(async () => {
      const journal = (await readJson<Record<string, JournalEntry>>(options.journalPath)) ?? {};
      journal[id] = entry;
      const cutoff = Date.now() - KEEP_MS;
      for (const [key, value] of Object.entries(journal)) if (value.phase !== 'running' && Date.parse(value.at) < cutoff) delete journal[key];
      await writeJsonAtomic(options.journalPath, journal);
    });
    journalLock = next.catch(() => {});
    return next;
  }

  /**
   * The latest lines of the log of the app the command names, nothing else: read again for every
   * sending (a log changes; nothing on the workstation changes, so it needs no journal).
   */
  async function latestLogs(command: ServerCommand): Promise<CommandOutcome> {
    if (!deployer.deployedVersion(command.app)) return { state: 'failed', reason: appNotHere(command.app, command.version) };
    return { state: 'done', logTail: await deployer.logTail(command.app, LOG_TAIL_LIMITS.requestLines) };
  }

  async function execute(command: ServerCommand, resumed: boolean): Promise<{ state: 'done' | 'failed'; reason?: Reason }> {
    const current = deployer.deployedVersion(command.app);
    const forThis = { deploymentId: command.deploymentId };
    if (command.type === 'remove') {
      if (!current) {
        // already gone (removed here by hand, or by this command before a crash): make sure the server knows
        await options.report({ app: command.app, version: command.version, state: 'removed', ...forThis });
        return { state: 'done' };
      }
      const removed = (await deployer.remove(command.app))!;
      await options.report({ ...removed, reason: reason('SERVER_REMOVE', 'Removed from this workstation.', notice('deployment.removedByServer')), ...(removed.version === command.version ? forThis : {}) });
      return { state: 'done' };
    }
    if (current !== command.version) {
      if (resumed && current) {
        // the rollback switched versions before the agent stopped: tell the server, do not roll back twice
        await options.report({ app: command.app, version: command.version, state: 'rolled-back', reason: rolledBackByServer(current), ...forThis });
        return { state: 'done' };
      }
      return { state: 'failed', reason: current ? reason('VERSION_NOT_CURRENT', `${command.app} ${command.version} is not the running version (it runs ${current} now); nothing was changed.`, notice('deployment.versionNotCurrent', { app: command.app, version: command.version, current })) : appNotHere(command.app, command.version, 'VERSION_NOT_CURRENT') };
    }
    const outcome = await deployer.rollback(command.app, rolledBackByServer);
    if (outcome.state !== 'rolled-back') {
      await options.report(outcome.report);
      return { state: 'failed', reason: outcome.report.reason ?? reason('ROLLBACK_FAILED', `${command.app} could not be rolled back.`, notice('deployment.rollbackFailed', { app: command.app })) };
    }
    await options.report({ ...outcome.report, ...forThis });
    if (outcome.restored) await options.report(outcome.restored);
    return { state: 'done' };
  }

  async function runOne(command: ServerCommand): Promise<void> {
    if (command.type === 'logs') {
      const outcome = await latestLogs(command);
      log(`command logs ${command.app}: ${outcome.state}${outcome.logTail !== undefined ? ` (${outcome.logTail.length} characters sent)` : ''}`);
      return options.server.closeCommand(command.id, outcome);
    }
    const journal = (await readJson<Record<string, JournalEntry>>(options.journalPath)) ?? {};
    const seen = journal[command.id];
    let result: { state: 'done' | 'failed'; reason?: Reason };
    if (seen && seen.phase !== 'running') {
      result = { state: seen.phase, ...(seen.reason ? { reason: seen.reason } : {}) };
    } else {
      await updateJournal(command.id, { phase: 'running', at: new Date().toISOString() });
      try {
        result = await execute(command, seen?.phase === 'running');
      } catch (error) {
        const message = (error as Error).message;
        result = { state: 'failed', reason: reason(isAgentError(error) ? error.code : 'COMMAND_FAILED', message, notice('deployment.commandFailed', { error: message })) };
      }
      await updateJournal(command.id, { phase: result.state, ...(result.reason ? { reason: result.reason } : {}), at: new Date().toISOString() });
      log(`command ${command.type} ${command.app} ${command.version}: ${result.state}${result.reason ? ` (${result.reason.code}: ${result.reason.message})` : ''}`);
    }
    await options.server.closeCommand(command.id, result);
  }

  return {
    /** Runs the commands one after another; one already running (from an overlapping poll) is skipped. */
    async run(commands: ServerCommand[]): Promise<void> {
      for (const command of commands) {
        if (inFlight.has(command.id)) continue;
        inFlight.add(command.id);
        try {
          await runOne(command);
        } catch (error) {
          // the answer could not be sent: the journal keeps the result, the server sends the command again
          log(`command ${command.id} (${command.type} ${command.app}) not closed: ${(error as Error).message}`);
        } finally {
          inFlight.delete(command.id);
        }
      }
    },
  };
}

export type CommandRunner = ReturnType<typeof createCommandRunner>;
