import { NOTICE_SENTENCES_EN, NOTICE_WORDS_EN } from './notice-sentences-en.js';
import { NOTICE_SENTENCES_PL, NOTICE_WORDS_PL } from './notice-sentences-pl.js';

/**
 * The sentences of the notices the server writes (a code and its parameters, apps/server/src/http/notice.ts),
 * in every UI language, in i18next's format. The web's catalogs carry them under `notices` and the server
 * words its mails with them, so each sentence is written once. Parameters named like a word list of
 * NOTICE_WORDS (`step`) are said in the same language. Each language is its own module (notice-sentences-en.ts, -pl.ts), and the admin pages' notices (`mailStage.*`, `mcpTest.*`)
 * are in one module per language (admin-notices-en.ts, admin-notices-pl.ts), so a language's catalog chunk
 * carries only its own sentences of them.
 */
export const NOTICE_SENTENCES = { en: NOTICE_SENTENCES_EN, pl: NOTICE_SENTENCES_PL };

/**
 * Words the server's mails and the notices' sentences put in, in every UI language: validation steps
 * (the `step` parameter) and deployment states. The web's catalogs use the same lists.
 */
export const NOTICE_WORDS = { en: NOTICE_WORDS_EN, pl: NOTICE_WORDS_PL };
