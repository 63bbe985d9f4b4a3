import type Cronstrue from 'cronstrue/dist/cronstrue-i18n.js';
import { loadOnFirstUse } from './load-on-first-use.js';
import { LANGUAGES, type Language } from './detect-language.js';
import { SpecEngineError } from './spec-engine-error.js';
import { validateCron } from './validate-cron.js';

const cronstrue = loadOnFirstUse<typeof Cronstrue>('cronstrue/dist/cronstrue-i18n.js');

/**
 * A cron expression as a sentence in English or Polish ("At 09:00, only on Monday",
 * "O 09:00, tylko poniedziałek"), via cronstrue. Throws SpecEngineError "invalid-cron" for
 * anything that is not a valid five-field expression.
 */
export function describeSchedule(cron: string, language: Language = 'en'): string {
  if (!LANGUAGES.includes(language)) {
    throw new SpecEngineError('invalid-language', `language must be one of ${LANGUAGES.join(', ')}, got "${String(language)}".`);
  }
  const key = `${language} ${cron}`;
  const cached = described.get(key);
  if (cached !== undefined) return cached;
  const check = validateCron(cron);
  if (!check.ok) throw new SpecEngineError('invalid-cron', `${check.reason}.`);
  const text = cronstrue().toString(cron, { locale: language, use24HourTimeFormat: true, throwExceptionOnParseError: true });
  // Every draft's summary describes its schedule; a conversation repeats the same few expressions.
  if (described.size >= DESCRIBED_LIMIT) described.delete(described.keys().next().value!);
  described.set(key, text);
  return text;
}

/** Valid expressions already described, oldest first (bounded, so hostile input cannot grow it). */
const described = new Map<string, string>();
const DESCRIBED_LIMIT = 512;
