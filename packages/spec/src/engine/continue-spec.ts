import { appSpecSchema, type AppSpec } from '../app-spec.js';
import { analyseMessage, type MessageAnalysis } from './analyse-message.js';
import { applyAnalysis, unchangedResult, type SpecResult } from './apply-analysis.js';
import { detectLanguage, type Language } from './detect-language.js';
import { findNamedEntity } from './extract-entities.js';
import { extractLocations } from './extract-locations.js';
import { checkOptions, checkText, type ExtractOptions } from './extract-spec.js';
import { prepareText } from './prepare-text.js';
import { SpecEngineError } from './spec-engine-error.js';

/** The language a spec was written in, read from its own title and summary. */
export function languageOfSpec(spec: AppSpec): Language {
  if (spec.language) return spec.language;
  const { text, folded } = prepareText(`${spec.title}. ${spec.summary}`);
  const locations = extractLocations(text, folded);
  return detectLanguage(locations.masked, locations.foldedMasked, 'en').language;
}

/**
 * Apply a later message of the conversation to the spec so far: answers fill missing slots,
 * corrections ("actually…", "zmień…") replace what they name, and nothing else changes.
 */
export function continueSpec(previous: AppSpec, text: string, options: ExtractOptions = {}): SpecResult {
  const parsed = appSpecSchema.safeParse(previous);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SpecEngineError(
      'invalid-spec',
      `The previous spec is not a valid AppSpec (${issue?.path.join('.') || '(root)'}: ${issue?.message}). Pass the spec returned by extractSpec or continueSpec.`,
    );
  }
  checkText(text, 'The message');
  checkOptions(options);
  const spec = parsed.data;
  const missing = spec.missing ?? [];
  const analysis = analyseMessage(text, {
    ...(options.language ? { language: options.language } : { conversationLanguage: languageOfSpec(spec) }),
    expectSchedule: missing.includes('schedule'),
    expectFields: missing.includes('entities'),
  });
  const pendingEntity = missing.includes('entities') && spec.summary ? namedEntityOf(spec.title, languageOfSpec(spec)) : undefined;
  const context = { previous: spec, ...(pendingEntity ? { pendingEntity } : {}) };
  // A question about the marketplace, or a message with nothing the engine can read, leaves the draft as it is.
  if (analysis.corrections.marketplaceQuestion) return unchangedResult(spec, analysis.language, 'marketplace-question', analysis.truncated);
  if (!readsSomething(analysis, spec)) return unchangedResult(spec, analysis.language, 'not-understood', analysis.truncated);
  return applyAnalysis(analysis, context);
}

/** The record a draft's title names ("Form for vacation requests" → vacationRequest), before its fields are known. */
function namedEntityOf(title: string, language: Language): string | undefined {
  const { text, folded } = prepareText(title);
  return findNamedEntity(extractLocations(text, folded).foldedMasked, language);
}

/** Whether a later message says anything the engine can use (else the reply says it did not understand). */
function readsSomething(analysis: MessageAnalysis, previous: AppSpec): boolean {
  const { entities, schedule, locations, corrections } = analysis;
  if (!analysis.hasContent) return false;
  if (previous.summary.trim() === '') return true;
  return (
    entities.lists.length > 0 ||
    Boolean(entities.namedEntity && !(previous.entities?.length)) ||
    Boolean(schedule.cron || schedule.unsupported || schedule.timezone) ||
    locations.sources.length + locations.outputs.length + locations.rejected.length > 0 ||
    analysis.kind.decided ||
    analysis.title.explicit ||
    analysis.removeFields.length + analysis.removeOutputs.length + analysis.removeEither.length + analysis.fieldChanges.length > 0 ||
    analysis.auth !== undefined ||
    corrections.swaps.length + corrections.moves.length + corrections.addedFields.length > 0
  );
}
