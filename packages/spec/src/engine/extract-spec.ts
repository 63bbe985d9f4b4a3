import { analyseMessage } from './analyse-message.js';
import { applyAnalysis, type SpecResult } from './apply-analysis.js';
import { LANGUAGES, type Language } from './detect-language.js';
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
  const result = applyAnalysis(analysis, {});
  return analysis.hasContent ? result : { ...result, intent: 'not-understood' };
}
