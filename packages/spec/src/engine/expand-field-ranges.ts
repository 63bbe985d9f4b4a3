import type { Piece } from './parse-field-list.js';
import { RANGE_RULES } from './rules/range-rules.js';

type Span = [number, number];

/**
 * Writes each range given as a pair in one phrase out as two list items, in the original and the
 * folded text alike: "start and end date" → "start date, end date", "godzina od i do" → "godzina od,
 * godzina do". The words are the writer's own, so the labels stay in the request's language.
 */
export function expandFieldRanges(list: Piece): Piece {
  const hits = RANGE_RULES.flatMap((rule) => [...list.fold.matchAll(rule.pattern)].map((match) => ({ rule, match }))).sort((a, b) => a.match.index - b.match.index);
  if (hits.length === 0) return list;
  let orig = '';
  let fold = '';
  let at = 0;
  for (const { rule, match } of hits) {
    if (match.index < at) continue;
    const spans = match.indices as unknown as (Span | undefined)[];
    const items = rule.fields.map((groups) =>
      groups.map((group) => {
        const [start, end] = spans[group]!;
        // "start and end dates": each field holds one date
        const cut = group === rule.noun && /^(?:dates|times|hours|days|datetimes)$/.test(list.fold.slice(start, end)) ? 1 : 0;
        return { orig: list.orig.slice(start, end - cut), fold: list.fold.slice(start, end - cut) };
      }),
    );
    const join = (key: keyof Piece) => items.map((words) => words.map((word) => word[key]).join(' ')).join(', ');
    orig += list.orig.slice(at, match.index) + join('orig');
    fold += list.fold.slice(at, match.index) + join('fold');
    at = match.index + match[0].length;
  }
  return { orig: orig + list.orig.slice(at), fold: fold + list.fold.slice(at) };
}
