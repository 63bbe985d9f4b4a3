import type { AppManifest } from './app-manifest.js';
import type { Failure } from './errors.js';

/**
 * What an organisation allows an app to ask for in its app.json. The server checks it before
 * signing and the agent again before deploying, with the same function.
 */
export interface ManifestPolicy {
  /** Ports an app may listen on by default (inclusive). */
  ports: { min: number; max: number };
  /**
   * Outbound hosts an app may ask for: `*` allows any, `*.corp.example` any sub-domain of
   * corp.example, anything else must match the requested host exactly (port included if given).
   */
  networkHosts: string[];
  /** Whether apps may send mail. */
  allowMail: boolean;
  /** File system access modes apps may ask for. */
  filesystem: Array<AppManifest['permissions']['filesystem']>;
  /** Upper bounds on requested resources. */
  maxMemoryMb: number;
  maxCpu: number;
  maxDiskMb: number;
}

export const DEFAULT_MANIFEST_POLICY: Readonly<ManifestPolicy> = Object.freeze<ManifestPolicy>({
  ports: { min: 1024, max: 65535 },
  networkHosts: ['*'],
  allowMail: true,
  filesystem: ['data-dir', 'none'],
  maxMemoryMb: 4096,
  maxCpu: 4,
  maxDiskMb: 10240,
});

export type PolicyCheck = { ok: true } | (Failure<'POLICY_VIOLATION'> & { violations: string[] });

/** Checks a manifest against a policy (missing policy fields take the defaults); lists every violation. */
export function checkManifestPolicy(manifest: AppManifest, policy: Partial<ManifestPolicy> = {}): PolicyCheck {
  const rules: ManifestPolicy = { ...DEFAULT_MANIFEST_POLICY, ...policy };
  const violations: string[] = [];
  if (manifest.port < rules.ports.min || manifest.port > rules.ports.max) {
    violations.push(`port ${manifest.port} is outside the allowed range ${rules.ports.min}–${rules.ports.max}`);
  }
  for (const host of manifest.permissions.network) {
    if (!rules.networkHosts.some((allowed) => hostAllowed(host, allowed))) violations.push(`network access to "${host}" is not allowed`);
  }
  if (manifest.permissions.mail && !rules.allowMail) violations.push('sending mail is not allowed');
  if (!rules.filesystem.includes(manifest.permissions.filesystem)) {
    violations.push(`file system access "${manifest.permissions.filesystem}" is not allowed (allowed: ${rules.filesystem.join(', ') || 'none'})`);
  }
  if (manifest.resources.memoryMb > rules.maxMemoryMb) violations.push(`memory ${manifest.resources.memoryMb} MB is more than the ${rules.maxMemoryMb} MB allowed`);
  if (manifest.resources.cpu > rules.maxCpu) violations.push(`cpu ${manifest.resources.cpu} is more than the ${rules.maxCpu} allowed`);
  if (manifest.resources.diskMb > rules.maxDiskMb) violations.push(`disk ${manifest.resources.diskMb} MB is more than the ${rules.maxDiskMb} MB allowed`);
  if (violations.length === 0) return { ok: true };
  return {
    ok: false,
    code: 'POLICY_VIOLATION',
    violations,
    message: `${manifest.name} ${manifest.version} asks for more than the organisation policy allows: ${violations.join('; ')}. Ask an administrator to change the policy or the app.`,
  };
}

function hostAllowed(requested: string, allowed: string): boolean {
  if (allowed === '*') return true;
  const host = requested.toLowerCase();
  const rule = allowed.toLowerCase();
  if (rule.startsWith('*.')) {
    const name = host.replace(/:\d+$/, '');
    return !name.includes('*') && name.endsWith(rule.slice(1)) && name.length > rule.length - 1;
  }
  return host === rule;
}
