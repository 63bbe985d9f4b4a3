/**
 * Every limit the requirements engine applies to untrusted text, in one place.
 *
 * A request is a few sentences; anything longer is almost always a paste by mistake. The engine
 * reads only the first `analysedChars` characters (cut at a word boundary), so a 1 MB message
 * costs the same as an 8 kB one, and every rule below runs over bounded text. The result says
 * `truncated: true` when that happened.
 */
export const ENGINE_LIMITS = {
  /** Characters of a message that are analysed; the rest is ignored (reported as truncated). */
  analysedChars: 8_000,
  /** Characters of the request kept as the spec summary. */
  summaryChars: 400,
  /** Words kept in a generated title. */
  titleWords: 7,
  /** Words kept in a generated slug. */
  slugWords: 5,
  /** List openers ("with", "fields:", "z polami") looked at per sentence; more are ignored. */
  listTriggers: 40,
  /** Characters read after one list opener. */
  listChars: 1_500,
  /** Items read from one field list; more are ignored. */
  listItems: 60,
  /** Words in one list item for it to count as a field name. */
  fieldWords: 5,
  /** Characters in a field label. */
  labelChars: 120,
  /** Characters of an enum value. */
  enumValueChars: 80,
} as const;
