import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBundle } from '../extract-bundle.js';
import { verifyRelease } from '../verify-release.js';
import type { AttackCase } from './attack-case.js';
import { createAttackContext } from './attack-context.js';
import { ATTACK_CORPUS } from './attack-corpus.js';
import { buildValidRelease } from './release-builders.js';

const ctx = createAttackContext();
const workspace = mkdtempSync(join(tmpdir(), 'release-attacks-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function verify(attack: Omit<AttackCase, 'expectedCode' | 'stage'>) {
  return verifyRelease({
    envelope: attack.envelope,
    bundle: attack.bundle,
    rootPublicKey: ctx.rootPublicKey,
    keyList: attack.keyList,
    lastKeyListVersion: attack.lastKeyListVersion,
    expect: attack.expect,
    now: ctx.now,
    limits: ctx.limits,
  });
}

describe('attack corpus', () => {
  it('has at least 20 distinct cases, each described', () => {
    expect(ATTACK_CORPUS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(ATTACK_CORPUS.map((attack) => attack.id)).size).toBe(ATTACK_CORPUS.length);
    for (const attack of ATTACK_CORPUS) expect(attack.description.length).toBeGreaterThan(10);
  });

  it('starts from a valid release that passes both verification and extraction', async () => {
    const valid = await buildValidRelease(ctx);
    expect(await verify(valid)).toMatchObject({ ok: true });
    expect(await extractBundle(valid.bundle, join(workspace, 'valid', '1.1.0'), ctx.limits)).toMatchObject({ ok: true });
  });

  it.each(ATTACK_CORPUS.map((attack) => [attack.id, attack] as const))('%s is refused with its own code', async (id, attack) => {
    const built = await attack.build(ctx);
    const verified = await verify(built);
    if (built.stage === 'verify') {
      expect(verified).toMatchObject({ ok: false, code: built.expectedCode });
      return;
    }
    // Signed by the real release key, so verification passes; the archive itself must be refused.
    expect(verified).toMatchObject({ ok: true });
    const appDir = join(workspace, id, 'apps', ctx.app);
    mkdirSync(join(appDir, '1.0.0'), { recursive: true });
    const result = await extractBundle(built.bundle, join(appDir, '1.1.0'), ctx.limits);
    expect(result).toMatchObject({ ok: false, code: built.expectedCode });
    expect(readdirSync(appDir)).toEqual(['1.0.0']);
    expect(findEscapes(join(workspace, id))).toEqual([]);
    expect(existsSync('/tmp/escaped-by-attack.txt')).toBe(false);
  });
});

function findEscapes(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => path.includes('escaped-by-attack'));
}
