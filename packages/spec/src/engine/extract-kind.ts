import { APP_KINDS, type AppKind } from '../app-spec.js';
import { EXPLICIT_FACTOR, KIND_DECIDED, KIND_NOISE, KIND_RULES } from './rules/kind-rules.js';
import { TOPIC_RULES } from './rules/topic-rules.js';

export interface KindEvidence {
  kind: AppKind;
  /** The words as found (folded) or the finding that counted ("schedule"). */
  word: string;
  weight: number;
  explicit: boolean;
  index: number;
}

/** Findings from other slots that point at a kind. */
export interface KindHints {
  hasSchedule: boolean;
  csvSource: boolean;
  feedOrMailSource: boolean;
  notifyOutput: boolean;
  fileOutput: boolean;
  /** The message lists fields of records the app keeps. */
  keepsRecords: boolean;
  /** A file output with a path: the app writes a named file. */
  namedFileOutput: boolean;
}

export interface KindFindings {
  kind: AppKind;
  /** True when the words decide the kind; false means it is a guess (and a missing slot). */
  decided: boolean;
  /** True when a word names the kind itself ("form", "dashboard", "API"). */
  explicit: boolean;
  scores: Record<AppKind, number>;
  evidence: KindEvidence[];
}

/** Score each kind from the words of a message and what other slots found. */
export function extractKind(foldedMasked: string, hints: KindHints): KindFindings {
  let text = foldedMasked;
  for (const noise of KIND_NOISE) text = text.replace(noise, (m) => ' '.repeat(m.length));
  const evidence: KindEvidence[] = [];
  for (const rule of KIND_RULES) {
    rule.pattern.lastIndex = 0;
    for (const match of text.matchAll(rule.pattern)) {
      evidence.push({ kind: rule.kind, word: match[0], weight: rule.weight, explicit: rule.explicit, index: match.index });
      if (evidence.length > 200) break;
    }
  }
  const end = text.length;
  if (hints.hasSchedule) evidence.push({ kind: 'automation', word: 'schedule', weight: 2, explicit: false, index: end });
  if (hints.csvSource) evidence.push({ kind: 'data-tool', word: 'csv', weight: 2, explicit: false, index: end });
  if (hints.feedOrMailSource) evidence.push({ kind: 'automation', word: 'feed', weight: 1, explicit: false, index: end });
  if (hints.notifyOutput) evidence.push({ kind: 'automation', word: 'notify', weight: 1, explicit: false, index: end });
  if (hints.keepsRecords) evidence.push({ kind: 'api-service', word: 'records', weight: 1, explicit: false, index: end });
  if (hints.fileOutput) evidence.push({ kind: 'data-tool', word: 'file', weight: hints.namedFileOutput ? 2 : 1, explicit: false, index: end });
  const findings = rank(evidence);
  if (findings.decided) return findings;
  // Undecided: the placeholder kind follows the topic ("vacations" → a form), still undecided.
  const withTopics = { ...findings.scores };
  const first = Object.fromEntries(APP_KINDS.map((k) => [k, Number.POSITIVE_INFINITY])) as Record<AppKind, number>;
  for (const e of evidence) first[e.kind] = Math.min(first[e.kind], e.index);
  for (const topic of TOPIC_RULES) {
    const m = topic.pattern.exec(text);
    if (!m) continue;
    for (const [kind, weight] of Object.entries(topic.kinds) as [AppKind, number][]) {
      withTopics[kind] += weight;
      first[kind] = Math.min(first[kind], m.index);
    }
  }
  return { ...findings, kind: orderKinds(withTopics, first)[0]!, explicit: false };
}

export function rank(evidence: KindEvidence[]): KindFindings {
  const scores = Object.fromEntries(APP_KINDS.map((k) => [k, 0])) as Record<AppKind, number>;
  const first = Object.fromEntries(APP_KINDS.map((k) => [k, Number.POSITIVE_INFINITY])) as Record<AppKind, number>;
  for (const e of evidence) {
    scores[e.kind] += e.explicit ? e.weight * EXPLICIT_FACTOR : e.weight;
    first[e.kind] = Math.min(first[e.kind], e.index);
  }
  const ordered = orderKinds(scores, first);
  const kind = ordered[0]!;
  return {
    kind,
    decided: scores[kind] >= KIND_DECIDED,
    explicit: evidence.some((e) => e.kind === kind && e.explicit),
    scores,
    evidence,
  };
}

/** Kinds by score, then by first mention, then in the schema's order: deterministic. */
export function orderKinds(scores: Record<AppKind, number>, first: Record<AppKind, number>): AppKind[] {
  return [...APP_KINDS].sort((a, b) => scores[b] - scores[a] || first[a] - first[b] || APP_KINDS.indexOf(a) - APP_KINDS.indexOf(b));
}
