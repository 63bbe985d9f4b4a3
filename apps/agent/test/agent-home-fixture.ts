import { join } from 'node:path';
import { deliverToMaildir, ensureMaildir, openMaildir } from '@marketplace/mail';
import { keyIdOf } from '@marketplace/release';
import { ATTACK_LIMITS, createAttackContext, type AttackContext } from '@marketplace/release/testing';
import { saveConfig } from '../src/agent-config.js';
import { homeLayout } from '../src/agent-home.js';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { writeJsonAtomic } from '../src/json-file.js';

export interface TestAgent {
  agent: RunningAgent;
  ctx: AttackContext;
  home: string;
  maildir: string;
  logs: string[];
  /** The organisation's release key, as signedTinyRelease takes it. */
  signer: { org: string; keyId: string; privateKey: AttackContext['secrets']['release'] };
  /** Drops a raw mail into the agent's Maildir and lets the agent handle its inbox. */
  deliver(raw: Buffer): Promise<void>;
  /** Stops the agent (apps keep running), runs `between`, then starts a new agent on the same home, which adopts them. */
  restart(between?: () => Promise<void>): Promise<void>;
}

/**
 * An agent enrolled in a test organisation (the attack context's root, key list and limits) with
 * its own Maildir; its server does not answer, so reports wait in the outbox and the key list
 * comes from the context.
 */
export async function startTestAgent(work: string, identity: { agentId: string; mailbox: string }): Promise<TestAgent> {
  const ctx = createAttackContext({ org: 'test-org' });
  const home = join(work, 'home');
  const layout = homeLayout(home);
  await saveConfig(layout, {
    configVersion: 1,
    serverUrl: 'http://127.0.0.1:9',
    orgId: ctx.org,
    agentId: identity.agentId,
    clientId: 'client',
    clientSecret: 'secret',
    mailbox: identity.mailbox,
    rootPublicKey: ctx.rootPublicKey,
    rootFingerprint: ctx.rootFingerprint,
    policy: { ...ctx.policy },
    limits: ATTACK_LIMITS as Record<string, number>,
    enrolledAt: new Date().toISOString(),
  });
  await writeJsonAtomic(layout.keyList, { json: ctx.keyList, version: ctx.keyListVersion });
  const maildir = join(work, 'maildir');
  await ensureMaildir(maildir);
  const logs: string[] = [];
  const start = async () => startAgent({ home, mailbox: await openMaildir(maildir, { fsWatch: false }), fetchKeyList: async () => ctx.keyList, maxHealthTimeoutMs: 4000, heartbeatIntervalMs: 3_600_000, log: (line) => void logs.push(line) });
  const test: TestAgent = {
    agent: await start(),
    ctx,
    home,
    maildir,
    logs,
    signer: { org: ctx.org, keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release },
    async deliver(raw) {
      await deliverToMaildir(maildir, raw, { fsync: false });
      await test.agent.processOnce();
    },
    async restart(between) {
      await test.agent.stop();
      await between?.();
      test.agent = await start();
    },
  };
  return test;
}
