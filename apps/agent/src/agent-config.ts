import { chmod, stat } from 'node:fs/promises';
import * as z from 'zod';
import { AgentError } from './agent-error.js';
import type { HomeLayout } from './agent-home.js';
import { readJson, writeJsonAtomic } from './json-file.js';

/** `config.json`: what enrolment gave the agent. Holds the client secret, so it is 0600. */
export const agentConfigSchema = z
  .object({
    configVersion: z.literal(1),
    serverUrl: z.string().url(),
    orgId: z.string().min(1),
    agentId: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    mailbox: z.string().min(3),
    /** The organisation root public key pinned at enrolment (SPKI PEM). */
    rootPublicKey: z.string().min(40),
    rootFingerprint: z.string().min(16),
    /** Groups this workstation belongs to: releases delivered to one of them are accepted too. */
    groupIds: z.array(z.string().min(1).max(128)).max(100).optional(),
    /** Overrides of the organisation policy and release limits (an administrator's choice on this workstation). */
    policy: z.record(z.string(), z.unknown()).optional(),
    limits: z.record(z.string(), z.number()).optional(),
    enrolledAt: z.string(),
    /**
     * Where the server's embedded mail hub keeps this agent's mailbox (given at enrolment when releases
     * go to the hub): read by `run` and `doctor` without --maildir when that folder is on this machine.
     */
    hubMaildir: z.string().min(1).max(4096).optional(),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export async function loadConfig(layout: HomeLayout): Promise<AgentConfig> {
  const raw = await readJson<unknown>(layout.config).catch((error) => {
    throw new AgentError('CONFIG_INVALID', `${layout.config} is not valid JSON (${(error as Error).message}); enrol again with: marketplace-agent enroll --server URL --code CODE`);
  });
  if (raw === undefined) throw new AgentError('NOT_ENROLLED', `This agent is not enrolled (no ${layout.config}). Run: marketplace-agent enroll --server URL --code CODE`);
  const parsed = agentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentError('CONFIG_INVALID', `${layout.config}: ${issue.path.join('.')} ${issue.message}. Enrol again, or fix the file.`);
  }
  const mode = (await stat(layout.config)).mode & 0o077;
  if (mode !== 0 && process.platform !== 'win32') await chmod(layout.config, 0o600);
  return parsed.data;
}

export const saveConfig = (layout: HomeLayout, config: AgentConfig) => writeJsonAtomic(layout.config, agentConfigSchema.parse(config), 0o600);
