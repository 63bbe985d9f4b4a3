import type { ExtractFailureCode } from '../extract-bundle.js';
import type { VerifyExpectations, VerifyFailureCode } from '../verify-release.js';
import type { AttackContext } from './attack-context.js';

/** One crafted delivery and the refusal it must meet. */
export interface AttackCase {
  /** The `.release.json` content. */
  envelope: string;
  /** The `.tgz` content. */
  bundle: Buffer;
  /** The signed key list the agent holds (or is offered) when the release arrives. */
  keyList: string;
  /** The highest key list version the agent has seen before. */
  lastKeyListVersion: number;
  /** What a correctly configured agent expects (organisation, app, deployed version, policy). */
  expect: VerifyExpectations;
  /** verifyRelease must refuse it, or (stage 'extract') accept it and extractBundle refuse it. */
  stage: 'verify' | 'extract';
  expectedCode: VerifyFailureCode | ExtractFailureCode;
}

export interface AttackEntry {
  id: string;
  description: string;
  build(ctx: AttackContext): Promise<AttackCase>;
}
