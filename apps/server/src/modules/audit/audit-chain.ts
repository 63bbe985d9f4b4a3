import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The hash every chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** Chains are per organisation; events without an organisation (e.g. a login for an unknown e-mail) go to `system`. */
export const chainFor = (orgId: string | null | undefined): string => (orgId ? `org:${orgId}` : 'system');

export interface ChainedFields {
  chain: string;
  seq: number;
  org_id: string | null;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: string;
  status_code: number | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
}

/** sha256 over the RFC 8785 canonical JSON of every field but the hash itself. */
export function entryHash(entry: ChainedFields): string {
  const canonical = canonicalize({
    chain: entry.chain,
    seq: entry.seq,
    org_id: entry.org_id,
    at: entry.at.toISOString(),
    actor_type: entry.actor_type,
    actor_id: entry.actor_id,
    action: entry.action,
    target_type: entry.target_type,
    target_id: entry.target_id,
    result: entry.result,
    status_code: entry.status_code,
    ip: entry.ip,
    request_id: entry.request_id,
    details: entry.details,
    prev_hash: entry.prev_hash,
  });
  return createHash('sha256').update(canonical ?? '').digest('hex');
}

export interface ChainProblem {
  /** The first entry that does not check out (or the head when entries are missing at the end). */
  entryId: string | null;
  seq: number;
  problem: 'modified' | 'missing' | 'reordered' | 'truncated';
  message: string;
}

export interface StoredEntry extends ChainedFields {
  id: string;
  hash: string;
}

type Verdict = { ok: true; checked: number } | ({ ok: false; checked: number } & ChainProblem);

/**
 * Walk a chain in `seq` order and name the first entry that breaks it: a changed field (its hash no
 * longer matches), a deleted entry (a gap in seq), a reordering (prev_hash points elsewhere), or
 * entries removed from the end (the head records more than there is). Streams: memory stays flat.
 */
export async function verifyChain(entries: AsyncIterable<StoredEntry> | Iterable<StoredEntry>, head: { seq: number; hash: string } | undefined): Promise<Verdict> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let checked = 0;
  for await (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      const problem = entry.seq > expectedSeq ? 'missing' : 'reordered';
      return {
        ok: false,
        checked,
        entryId: entry.id,
        seq: entry.seq,
        problem,
        message: problem === 'missing' ? `entries ${expectedSeq}..${entry.seq - 1} are missing before entry ${entry.seq} (${entry.id})` : `entry ${entry.id} has seq ${entry.seq} where ${expectedSeq} was expected`,
      };
    }
    if (entry.prev_hash !== previousHash) {
      return { ok: false, checked, entryId: entry.id, seq: entry.seq, problem: 'reordered', message: `entry ${entry.seq} (${entry.id}) does not follow entry ${entry.seq - 1}: its prev_hash points elsewhere` };
    }
    if (entryHash(entry) !== entry.hash) {
      return { ok: false, checked, entryId: entry.id, seq: entry.seq, problem: 'modified', message: `entry ${entry.seq} (${entry.id}) was modified after it was written: its content no longer matches its hash` };
    }
    previousHash = entry.hash;
    expectedSeq += 1;
    checked += 1;
  }
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== previousHash)) {
    return { ok: false, checked, entryId: null, seq: expectedSeq, problem: 'truncated', message: `the chain ends at entry ${expectedSeq - 1} but its head records ${head.seq} entries: entries were removed from the end` };
  }
  return { ok: true, checked };
}
