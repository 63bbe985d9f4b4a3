import type { Messages } from './en';
import { plFirst } from './pl-first';
import { plMore } from './pl-more';

/** Polish strings, in the same two parts as the English ones. */
export const pl: Messages = { ...plFirst, ...plMore, notices: { ...plFirst.notices, ...plMore.notices } };
