import type { Messages } from './en';
import { plFirst } from './pl-first';
import { plMore } from './pl-more';
import { joinWords } from './join-words';

/** Polish strings, in the same two parts as the English ones. */
export const pl: Messages = joinWords(plFirst, plMore);
