import { enFirst } from './en-first';
import { enMore } from './en-more';

/**
 * English strings; pl.ts has the same keys (a test checks). Two parts, each its own chunk per language:
 * the first screens' words (en-first.ts) and the rest (en-more.ts), fetched when another page opens.
 */
export const en = { ...enFirst, ...enMore };

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
export type FirstWords = Widen<typeof enFirst>;
export type MoreWords = Widen<typeof enMore>;
