import { placeholdersOf, type MailKind } from './mail-template-kinds.js';
import { OutgoingMailError } from './outgoing-mail-error.js';

/** Anything written between double braces; its content must be a placeholder name of the kind. */
const BRACES = /\{\{([^{}]*)\}\}/g;
const NAME = /^\s*([A-Za-z][A-Za-z0-9]*)\s*$/;

/** Placeholders a template's texts use that its kind does not give (`{{ nope }}`, `{{a-b}}`), each once, as written. */
export function unknownPlaceholders(kind: MailKind, ...texts: string[]): string[] {
  const known = new Set(placeholdersOf(kind));
  const unknown = new Set<string>();
  for (const text of texts) {
    for (const [, inner] of text.matchAll(BRACES)) {
      const name = NAME.exec(inner!)?.[1];
      if (!name || !known.has(name)) unknown.add(inner!.trim());
    }
  }
  return [...unknown];
}

/**
 * Puts the values in: each `{{name}}` becomes its value, verbatim (mail text is plain text; where an
 * HTML part is made from it, that part escapes it). No expressions, no code: a value that itself
 * contains `{{…}}` stays as it is. A placeholder without a value is a bug of the sender and throws.
 */
export function fillTemplate(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(BRACES, (whole, inner: string) => {
    const name = NAME.exec(inner)?.[1];
    if (!name) return whole;
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined) throw new OutgoingMailError('MISSING_PARAMETER', `The mail template needs a value for {{${name}}} and got none.`);
    return value;
  });
}

/** A subject is one line: line breaks (header injection) become spaces, and it is cut at 250 characters. */
export const oneLine = (text: string): string => text.replace(/[\r\n\t]+/g, ' ').trim().slice(0, 250);
