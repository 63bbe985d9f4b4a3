/**
 * Shared set-up of the agent benchmarks: an enrolled agent home (organisation keys made here, no
 * server: reports queue on disk as they would offline), a mail hub, and signed tiny apps.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyList, generateReleaseKey, generateRootKey, keyFingerprint, keyIdOf, loadPrivateKey } from '@marketplace/release';
import { homeLayout, saveConfig } from '../apps/agent/src/index.js';
import { writeFile, mkdir } from 'node:fs/promises';

export async function benchAgentHome() {
  const root = await mkdtemp(join(tmpdir(), 'agent-bench-'));
  const passphrase = 'bench root passphrase';
  const rootKey = generateRootKey({ passphrase });
  const release = generateReleaseKey();
  const org = 'bench-org';
  const keyList = createKeyList({ org, releasePublicKey: release.publicKey, rootPrivateKey: { pem: rootKey.privateKey, passphrase } });
  const home = join(root, 'home');
  const layout = homeLayout(home);
  const mailbox = 'agent-bench@agents.marketplace.local';
  const agentId = '00000000-0000-4000-8000-000000000001';
  await saveConfig(layout, {
    configVersion: 1,
    serverUrl: 'http://127.0.0.1:9',
    orgId: org,
    agentId,
    clientId: 'agt_bench',
    clientSecret: 'mpc_bench',
    mailbox,
    rootPublicKey: rootKey.publicKey,
    rootFingerprint: keyFingerprint(rootKey.publicKey),
    enrolledAt: new Date().toISOString(),
  });
  await mkdir(join(home, 'state'), { recursive: true });
  await writeFile(layout.keyList, JSON.stringify({ json: keyList.json, version: 1 }));
  return { root, home, mailbox, agentId, org, keyListJson: keyList.json, signer: { org, keyId: keyIdOf(release.publicKey), privateKey: loadPrivateKey(release.privateKey) } };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
