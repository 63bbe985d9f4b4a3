/**
 * One language's words from its two parts (the first screens' and the rest's): a section in both —
 * `notices`, whose admin-page sentences are in the rest — is merged one level deeper, as i18next's
 * `addResourceBundle(…, deep)` merges the rest when it arrives after the first part.
 */
export function joinWords<First extends object, More extends object>(first: First, more: More): First & More {
  const words = { ...first } as Record<string, unknown>;
  for (const [section, value] of Object.entries(more)) {
    const before = words[section];
    words[section] = isSection(before) && isSection(value) ? { ...before, ...value } : value;
  }
  return words as First & More;
}

const isSection = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
