import { describe, expect, it } from 'vitest';
import { appManifestSchema, type AppManifest } from './app-manifest.js';
import { checkReadPaths, pathWithin } from './check-read-paths.js';
import { deliveryStatementSchema } from './delivery-statement.js';
import { attackManifest, createAttackContext } from './testing/attack-context.js';

const ctx = createAttackContext();
const manifest = (readPaths: { path: string; setting: string }[]): AppManifest =>
  appManifestSchema.parse(attackManifest(ctx, { permissions: { network: [], mail: false, filesystem: 'data-dir', readPaths } }));

describe('checkReadPaths', () => {
  it('grants a file under an allowed folder and names the prefix', () => {
    const result = checkReadPaths(manifest([{ path: '/srv/exports/sales.csv', setting: 'SOURCE_1_FILE' }]), ['/srv/exports/']);
    expect(result).toEqual({ ok: true, granted: [{ path: '/srv/exports/sales.csv', setting: 'SOURCE_1_FILE', prefix: '/srv/exports/' }] });
  });

  it('refuses a path outside every prefix, naming the path and the setting', () => {
    const result = checkReadPaths(manifest([{ path: '/etc/shadow', setting: 'SOURCE_1_FILE' }]), ['/srv/exports']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('READ_PATH_NOT_ALLOWED');
      expect(result.refused).toEqual(['/etc/shadow']);
      expect(result.message).toContain('"/etc/shadow"');
      expect(result.message).toContain('policy.workstationReadPaths');
    }
    expect(checkReadPaths(manifest([{ path: '/srv/exports/a.csv', setting: 'SOURCE_1_FILE' }]), []).ok).toBe(false);
  });

  it('never lets a sibling that shares the prefix text through, and compares Windows paths without case', () => {
    expect(pathWithin('/srv/exports-private/x.csv', '/srv/exports')).toBe(false);
    expect(pathWithin('/srv/exports', '/srv/exports')).toBe(true);
    expect(pathWithin('C:\\Exports\\Sales.csv', 'c:/exports')).toBe(true);
    expect(pathWithin('/SRV/exports/x.csv', '/srv/exports')).toBe(false);
  });

  it('keeps manifests without read paths valid, and refuses relative or ".." read paths', () => {
    expect(checkReadPaths(manifest([]), [])).toEqual({ ok: true, granted: [] });
    expect(() => manifest([{ path: 'exports/x.csv', setting: 'SOURCE_1_FILE' }])).toThrow(/absolute path/);
    expect(() => manifest([{ path: '/srv/exports/../../etc/passwd', setting: 'SOURCE_1_FILE' }])).toThrow(/\.\.\\" segments/);
  });

  it('accepts the allowed prefixes in a delivery statement only as absolute paths', () => {
    const base = { org: 'acme', recipient: { agentId: 'a1' }, app: 'sales-board', version: '1.0.0', bundleSha256: 'a'.repeat(64), nonce: 'n'.repeat(16), issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-02T00:00:00Z', keyId: 'b'.repeat(64) };
    expect(deliveryStatementSchema.safeParse({ ...base, policy: { readPaths: ['/srv/exports'] } }).success).toBe(true);
    expect(deliveryStatementSchema.safeParse({ ...base, policy: { readPaths: ['srv'] } }).success).toBe(false);
  });
});
