import { analyseMessage, type MessageAnalysis } from './analyse-message.js';
import { applyAnalysis, type SpecResult } from './apply-analysis.js';
import { LANGUAGES, type Language } from './detect-language.js';
import { LANGUAGE_WORDS } from './rules/language-rules.js';
import { SpecEngineError } from './spec-engine-error.js';

export interface ExtractOptions {
  /** Answer in this language instead of the detected one. */
  language?: Language;
}

export function checkText(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new SpecEngineError('invalid-input', `${what} must be a string of text, got ${text === null ? 'null' : typeof text}. Pass the user's message as plain text.`);
  }
}

export function checkOptions(options: ExtractOptions | undefined): void {
  if (options?.language !== undefined && !LANGUAGES.includes(options.language)) {
    throw new SpecEngineError('invalid-language', `language must be one of ${LANGUAGES.join(', ')}, got "${String(options.language)}".`);
  }
}

/**
 * Turn a free-text request (English or Polish) into an AppSpec, fully offline and
 * deterministically. Whatever it cannot fill is listed in `missing`, with a question each.
 */
export function extractSpec(text: string, options: ExtractOptions = {}): SpecResult {
  checkText(text, 'The request');
  checkOptions(options);
  const analysis = analyseMessage(text, { ...(options.language ? { language: options.language } : {}) });
  if (analysis.corrections.marketplaceQuestion) return { ...applyAnalysis(analyseMessage('', { language: analysis.language }), {}), intent: 'marketplace-question' };
  // Nothing about an app ("asdf qwerty", "hello", "?"): say so and start no draft.
  if (!describesAnApp(analysis)) return { ...applyAnalysis(analyseMessage('', { language: analysis.language }), {}), intent: 'not-understood', truncated: analysis.truncated };
  return applyAnalysis(analysis, {});
}

/**
 * Whether a first message says anything the engine can build on: a kind word, a record or its
 * fields, a schedule, a source or output, a name for the app, an auth mode, or at least a sentence
 * in English or Polish ("something to plan team vacations" is asked about). Letters that are no
 * words of either language ("asdf qwerty") are not a request.
 */
function describesAnApp(analysis: MessageAnalysis): boolean {
  const { entities, schedule, locations, kind, title, corrections } = analysis;
  if (!analysis.hasContent) return false;
  return (
    kind.evidence.length > 0 ||
    entities.lists.length > 0 ||
    entities.namedEntity !== undefined ||
    Boolean(schedule.cron || schedule.unsupported || schedule.timezone) ||
    locations.sources.length + locations.outputs.length + locations.rejected.length > 0 ||
    title.explicit ||
    analysis.auth !== undefined ||
    corrections.addedFields.length > 0 ||
    locations.foldedMasked.match(LANGUAGE_WORDS.en) !== null ||
    locations.foldedMasked.match(LANGUAGE_WORDS.pl) !== null
  );
}
