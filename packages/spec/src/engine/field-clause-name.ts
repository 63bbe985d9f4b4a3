/**
 * Names for yes/no questions written as clauses: "whether they need a parking spot" →
 * "needs parking spot", "whether they are disabled" → "is disabled", "czy ma projektor" →
 * "ma projektor". Folded text in, folded words out (or undefined when the item is no such clause).
 */
const CLAUSE = /^(?:whether|if|czy)\s+(?:or\s+not\s+)?(.+)$/;
const SUBJECT = /^(?:(?:they|he|she|it|you|we|i|someone|somebody|people)|(?:the|their|his|her|its|our|your|a|an)\s+[a-z]+(?:'s)?)\s+(.+)$/;
const BE = /^(?:are|is|am|were|was|'re|be)$/;
const HAVE = /^(?:have|has|had)$/;
const MODAL = /^(?:can|could|will|would|should|must|may|might|do|does|did)$/;
const DROPPED = /^(?:a|an|the|their|his|her|its|any|some|own)$/;

/** "need" → "needs", "watch" → "watches", "carry" → "carries". */
function thirdPerson(verb: string): string {
  if (/(?:s|sh|ch|x|z|o)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

export function clauseName(folded: string): string | undefined {
  const clause = CLAUSE.exec(folded.trim());
  if (!clause) return undefined;
  let rest = clause[1]!;
  if (folded.trim().startsWith('czy')) return rest;
  const subject = SUBJECT.exec(rest);
  if (!subject) return rest;
  rest = subject[1]!;
  const words = rest.split(/\s+/);
  const verb = words[0]!;
  let head: string[];
  if (BE.test(verb)) head = ['is'];
  else if (HAVE.test(verb)) head = ['has'];
  else if (MODAL.test(verb)) head = verb === 'do' || verb === 'does' || verb === 'did' ? [] : [verb];
  else head = [/s$/.test(verb) && !/ss$/.test(verb) ? verb : thirdPerson(verb)];
  const tail = words.slice(1).filter((w) => !DROPPED.test(w));
  return [...head, ...tail].join(' ');
}
