import type { KeyObject } from 'node:crypto';
import { createBundle } from '../create-bundle.js';
import { signRelease } from '../sign-release.js';
import type { ReleaseStatementInput } from '../release-statement.js';
import { keyIdOf } from '../keys.js';
import type { AppManifestInput } from '../app-manifest.js';
import type { AttackCase } from './attack-case.js';
import { type AttackContext, attackExpectations, attackManifest, attackStatement } from './attack-context.js';

/** A real bundle made by createBundle: app.json, server.js and a README. */
export async function attackBundle(ctx: AttackContext, manifest: Partial<AppManifestInput> = {}): Promise<Buffer> {
  const bundle = await createBundle({
    files: new Map<string, Buffer | string | { content: string; mode: number }>([
      ['app.json', JSON.stringify(attackManifest(ctx, manifest), null, 2)],
      ['server.js', { content: "import http from 'node:http';\nhttp.createServer((_, res) => res.end('ok')).listen(process.env.PORT);\n", mode: 0o755 }],
      ['README.md', `# ${manifest.name ?? ctx.app}\n`],
    ]),
  });
  return bundle.data;
}

/** The envelope JSON a legitimate server would produce for `bundle`, signed by `key` (the active release key by default). */
export function attackEnvelope(ctx: AttackContext, bundle: Buffer, overrides: Partial<ReleaseStatementInput> = {}, key: KeyObject = ctx.secrets.release): string {
  return signRelease(attackStatement(ctx, bundle, { keyId: keyIdOf(key), ...overrides }), key).json;
}

/** A delivery that passes every check, with parts replaced. */
export function attackCase(ctx: AttackContext, parts: Pick<AttackCase, 'envelope' | 'bundle' | 'expectedCode'> & Partial<AttackCase>): AttackCase {
  return { keyList: ctx.keyList, lastKeyListVersion: ctx.keyListVersion, expect: attackExpectations(ctx), stage: 'verify', ...parts };
}

/** A valid release of the context's app at its next version: what every attack is a variation of. */
export async function buildValidRelease(ctx: AttackContext): Promise<Omit<AttackCase, 'expectedCode' | 'stage'>> {
  const bundle = await attackBundle(ctx);
  const { expectedCode: _code, stage: _stage, ...rest } = attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'SIGNATURE_INVALID' });
  return rest;
}
