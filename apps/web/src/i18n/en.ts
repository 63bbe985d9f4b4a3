import { enFirst } from './en-first';
import { enMore } from './en-more';
import { joinWords } from './join-words';

/**
 * English strings; pl.ts has the same keys (a test checks). Two parts, each its own chunk per language:
 * the first screens' words (en-first.ts) and the rest (en-more.ts), fetched when another page opens.
 */
export const en = joinWords(enFirst, enMore);

/** The plural forms i18next picks by `count` (`sent_one` beside `sent`); a language writes only those it needs. */
type PluralForm = `${string}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}`;
/**
 * A catalog's shape: English's keys with any string, without English's plural forms (English says
 * “1 workstation” with `sent_one`; Polish puts the count after a colon, “stacje: 1”, and needs none).
 */
type Widen<T> = { [K in keyof T as K extends PluralForm ? never : K]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
export type FirstWords = Widen<typeof enFirst>;
export type MoreWords = Widen<typeof enMore>;
