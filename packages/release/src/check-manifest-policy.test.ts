import { describe, expect, it } from 'vitest';
import { type AppManifest, parseAppManifest } from './app-manifest.js';
import { checkManifestPolicy } from './check-manifest-policy.js';

function manifest(overrides: Record<string, unknown> = {}): AppManifest {
  const parsed = parseAppManifest({
    manifestVersion: 1, name: 'room-booking', version: '1.0.0', kind: 'api-service', title: 'Room booking',
    runtime: { name: 'node', version: '20' }, start: ['node', 'server.js'], port: 8080, health: { path: '/healthz' },
    resources: { memoryMb: 256, cpu: 0.5, diskMb: 100 }, permissions: { network: ['api.corp.example:443'], mail: true, filesystem: 'data-dir' },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.manifest;
}

describe('checkManifestPolicy', () => {
  it('accepts a manifest within the default policy', () => {
    expect(checkManifestPolicy(manifest())).toEqual({ ok: true });
  });

  it('lists every violation with what was asked and what is allowed', () => {
    const result = checkManifestPolicy(
      manifest({ port: 80, permissions: { network: ['evil.example', 'db.corp.example'], mail: true, filesystem: 'data-dir' }, resources: { memoryMb: 9000, cpu: 8, diskMb: 100 } }),
      { networkHosts: ['*.corp.example'], allowMail: false },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('POLICY_VIOLATION');
    expect(result.violations).toEqual([
      'port 80 is outside the allowed range 1024–65535',
      'network access to "evil.example" is not allowed',
      'sending mail is not allowed',
      'memory 9000 MB is more than the 4096 MB allowed',
      'cpu 8 is more than the 4 allowed',
    ]);
    expect(result.message).toContain('room-booking 1.0.0');
  });

  it('matches sub-domain wildcards without letting the bare suffix or a lookalike through', () => {
    const policy = { networkHosts: ['*.corp.example'] };
    expect(checkManifestPolicy(manifest({ permissions: { network: ['a.b.corp.example:8443'], mail: false, filesystem: 'none' } }), policy).ok).toBe(true);
    expect(checkManifestPolicy(manifest({ permissions: { network: ['evilcorp.example'], mail: false, filesystem: 'none' } }), policy).ok).toBe(false);
    expect(checkManifestPolicy(manifest({ permissions: { network: ['*'], mail: false, filesystem: 'none' } }), policy).ok).toBe(false);
  });
});
