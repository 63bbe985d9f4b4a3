/**
 * Requirements engine accuracy: per-slot precision and recall, the share of expectation checks
 * that hold, and whole-request accuracy (every check of a request or turn right), on the tuning
 * corpus and, separately, on the held-out part (test/corpus/held-out-*.json) that the rules are
 * not tuned against.
 *
 *   node --import tsx bench/spec-accuracy.ts [--verbose]   (--verbose lists the tuning corpus failures only)
 */
import { readFileSync } from 'node:fs';
import { continueSpec, extractSpec, type AppSpec, type SpecResult } from '@marketplace/spec';
import {
  checkExpectation,
  compactChange,
  fieldItems,
  type CorpusConversation,
  type CorpusRequest,
  type Expectation,
} from '../packages/spec/test/corpus-expectations.js';

const verbose = process.argv.includes('--verbose');
const load = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../packages/spec/test/corpus/${file}`, import.meta.url), 'utf8')) as T;

interface Case {
  id: string;
  text: string;
  expect: Expectation;
  result: SpecResult;
  previous?: AppSpec;
}

function run(requests: CorpusRequest[], conversations: CorpusConversation[]): Case[] {
  const cases: Case[] = requests.map((r) => ({ id: r.id, text: r.text, expect: r.expect, result: extractSpec(r.text) }));
  for (const conversation of conversations) {
    let previous: AppSpec | undefined;
    conversation.turns.forEach((turn, index) => {
      const result = previous ? continueSpec(previous, turn.text) : extractSpec(turn.text);
      cases.push({ id: `${conversation.id}#${index + 1}`, text: turn.text, expect: turn.expect, result, ...(previous ? { previous } : {}) });
      previous = result.spec;
    });
  }
  return cases;
}

/** True positives, predicted and expected items of one slot over a corpus. */
type Tally = { tp: number; predicted: number; expected: number };

const items = (values: unknown[] | null | undefined): string[] => (values ?? []).map((v) => JSON.stringify(v));

/** The items the engine predicted and the corpus expected for each slot the expectation names. */
function slotItems(c: Case): Record<string, [string[], string[]]> {
  const { expect: e, result } = c;
  const spec = result.spec;
  const slots: Record<string, [string[], string[]]> = {};
  // A kind the engine is not sure of (it asks) is no prediction.
  if (e.kind !== undefined) slots.kind = [result.missing.includes('kind') ? [] : [spec.kind], [e.kind]];
  if (e.language !== undefined) slots.language = [[result.language], [e.language]];
  if (e.intent !== undefined) slots.intent = [[result.intent], [e.intent]];
  if (e.title !== undefined) slots.title = [[spec.title], [e.title]];
  if (e.auth !== undefined) slots.auth = [spec.auth ? [spec.auth] : [], e.auth ? [e.auth] : []];
  if (e.schedule !== undefined) slots.schedule = [items(spec.schedule ? [spec.schedule] : []), items(e.schedule ? [e.schedule] : [])];
  if (e.entities !== undefined) {
    slots['entities (entity names)'] = [(spec.entities ?? []).map((x) => x.name), e.entities === null ? [] : Object.keys(e.entities).map((n) => (n === '*' && spec.entities?.length === 1 ? spec.entities[0]!.name : n))];
    slots['entities (fields+types)'] = [fieldItems(spec.entities), e.entities === null ? [] : fieldItems(spec.entities, e.entities)];
  }
  if (e.sources !== undefined) slots.sources = [items(spec.sources), items(e.sources)];
  if (e.outputs !== undefined) slots.outputs = [items(spec.outputs), items(e.outputs)];
  if (e.missing !== undefined) slots.missing = [result.missing, e.missing];
  if (e.changes !== undefined) slots.changes = [result.changes.map(compactChange), e.changes];
  return slots;
}

function report(label: string, cases: Case[], showFailures: boolean): void {
  const tallies = new Map<string, Tally>();
  let checks = 0;
  let passed = 0;
  let wholeRight = 0;
  const failures: string[] = [];
  for (const c of cases) {
    for (const [slot, [predicted, expected]] of Object.entries(slotItems(c))) {
      const t = tallies.get(slot) ?? { tp: 0, predicted: 0, expected: 0 };
      const pool = [...expected];
      for (const p of predicted) {
        const at = pool.indexOf(p);
        if (at >= 0) {
          t.tp++;
          pool.splice(at, 1);
        }
      }
      t.predicted += predicted.length;
      t.expected += expected.length;
      tallies.set(slot, t);
    }
    const results = checkExpectation(c.result, c.expect, c.previous);
    checks += results.length;
    const ok = results.filter((r) => r.problems.length === 0).length;
    passed += ok;
    if (ok === results.length) wholeRight++;
    else failures.push(`  ${c.id}: ${c.text}\n    ${results.flatMap((r) => r.problems).join('\n    ')}`);
  }
  const pct = (n: number, d: number): string => (d === 0 ? '   n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
  console.log(`\n${label}: ${cases.length} requests/turns`);
  console.log('slot                       precision  recall   (tp/predicted/expected)');
  for (const [slot, t] of [...tallies.entries()].sort()) {
    console.log(`${slot.padEnd(26)} ${pct(t.tp, t.predicted).padStart(9)}  ${pct(t.tp, t.expected).padStart(6)}   (${t.tp}/${t.predicted}/${t.expected})`);
  }
  console.log(`checks right: ${passed}/${checks} = ${pct(passed, checks).trim()}`);
  console.log(`whole-request accuracy: ${wholeRight}/${cases.length} = ${pct(wholeRight, cases.length).trim()}`);
  if (verbose && showFailures && failures.length) console.log(`failures:\n${failures.join('\n')}`);
}

const corpus = run([...load<CorpusRequest[]>('requests-en.json'), ...load<CorpusRequest[]>('requests-pl.json')], load<CorpusConversation[]>('conversations.json'));
const heldOut = run([...load<CorpusRequest[]>('held-out-en.json'), ...load<CorpusRequest[]>('held-out-pl.json')], load<CorpusConversation[]>('held-out-conversations.json'));
report('tuning corpus (requests-*.json, conversations.json)', corpus, true);
report('held-out (held-out-*.json; rules are not tuned against it, so its failures are never listed)', heldOut, false);
