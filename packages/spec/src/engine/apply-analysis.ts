import { SPEC_LIMITS, appSpecSchema, type AppKind, type AppSpec, type Entity, type Output } from '../app-spec.js';
import type { MessageAnalysis } from './analyse-message.js';
import { computeMissing, confidenceOf } from './compute-missing.js';
import { entityLabelFor, nounPhraseTitle, summarise, tagsFor } from './describe-app.js';
import { diffSpecs, type SpecChange } from './diff-specs.js';
import type { Language } from './detect-language.js';
import { DEFAULT_ENTITY } from './entity-naming.js';
import { slugFromTitle } from './extract-title.js';
import { fieldMatches, mergeEntities } from './merge-entities.js';
import { mergeLocated } from './merge-locations.js';
import type { Move } from './read-corrections.js';
import { resolveCorrections } from './resolve-corrections.js';
import { KIND_TITLES, NEW_APP_TITLE } from './rules/naming-rules.js';
import { QUESTIONS, SLOTS, type QuestionContext, type Slot } from './rules/questions.js';
import { clarificationsFor, readingsOf, type SlotReading } from './slot-readings.js';
import { SpecEngineError } from './spec-engine-error.js';

export interface SpecQuestion {
  slot: string;
  question: string;
}

/** What the engine returns for one message. */
export interface SpecResult {
  /** Always valid against appSpecSchema; unknown slots are listed in `spec.missing`. */
  spec: AppSpec;
  /** The language to answer this message in (the message's, or the conversation's for a short or unclear one). */
  language: Language;
  missing: string[];
  /** One follow-up question per missing slot, in the request's language. */
  questions: SpecQuestion[];
  /** 0–1: how complete and certain the spec is. */
  confidence: number;
  /** True when the message was longer than the engine reads (see ENGINE_LIMITS). */
  truncated: boolean;
  /**
   * What the message was: a description or correction of the app ("spec"), a question about the
   * marketplace itself ("what can you do?": answer it, the draft is unchanged), or nothing the
   * engine could read ("not-understood": say so, the draft is unchanged). Answer in `language`.
   */
  intent: 'spec' | 'marketplace-question' | 'not-understood';
  /** What this message changed in the draft (empty for the first message). */
  changes: SpecChange[];
  /** How sure the engine is of each slot this message filled (0–1); below LOW_CONFIDENCE it is asked about in `clarifications`. */
  readings: SlotReading[];
  /**
   * Questions about what the engine read with little certainty or could not read (a stray symbol in
   * a list, a correction naming nothing in the draft). They do not block building; ask them after `questions`.
   */
  clarifications: SpecQuestion[];
}

export interface ApplyContext {
  /** The spec so far; undefined for the first message. */
  previous?: AppSpec;
  /** The entity the conversation named before its fields were known. */
  pendingEntity?: string;
}

function titleFor(kind: AppKind, language: Language, analysis: MessageAnalysis): string {
  if (analysis.title.title) return analysis.title.explicit ? analysis.title.title : nounPhraseTitle(analysis.title.title, language);
  return analysis.hasContent ? KIND_TITLES[language][kind] : NEW_APP_TITLE[language];
}

function nameFor(title: string, _kind: AppKind): string {
  return slugFromTitle(title) ?? 'new-app';
}

/**
 * The answer to a message that does not change the draft (a question about the marketplace, or
 * nothing the engine could read): the draft exactly as it was, its open questions asked again.
 */
export function unchangedResult(previous: AppSpec, language: Language, intent: 'marketplace-question' | 'not-understood', truncated: boolean): SpecResult {
  const missing = (previous.missing ?? []).filter((slot): slot is Slot => (SLOTS as readonly string[]).includes(slot));
  const context: QuestionContext = { kind: previous.kind, ...(previous.entities?.[0] ? { entity: previous.entities[0].name } : {}) };
  return {
    spec: previous,
    language,
    missing,
    questions: missing.map((slot) => ({ slot, question: QUESTIONS[language][slot](context) })),
    confidence: confidenceOf(previous, missing, { decided: !missing.includes('kind'), explicit: false }, previous.summary.trim() !== ''),
    truncated,
    intent,
    changes: [],
    readings: [],
    clarifications: [],
  };
}

/** Apply one analysed message to the spec so far (or to nothing, for the first message). */
export function applyAnalysis(analysis: MessageAnalysis, context: ApplyContext): SpecResult {
  const previous = context.previous;
  const language = analysis.language;
  const kindWasMissing = previous ? (previous.missing ?? []).includes('kind') : true;
  const resolved = resolveCorrections(analysis.corrections.swaps, previous, language);
  const swappedKind = resolved.kind !== undefined && previous !== undefined && resolved.kind !== previous.kind ? resolved.kind : undefined;
  const kindChanges = !previous || swappedKind !== undefined || (analysis.kind.decided && analysis.kind.kind !== previous.kind && (kindWasMissing || (analysis.correction && analysis.kind.explicit)));
  const kind = swappedKind ?? (kindChanges || !previous ? analysis.kind.kind : previous.kind);
  const kindResolved = swappedKind !== undefined || (analysis.kind.decided && (!previous || kindWasMissing || kindChanges));

  let title = previous?.title ?? titleFor(kind, language, analysis);
  let name = previous?.name ?? (analysis.hasContent ? nameFor(title, kind) : 'new-app');
  let summary = previous?.summary ?? (analysis.hasContent ? analysis.summary : '');
  if (previous && summary.trim() === '' && analysis.hasContent) {
    summary = analysis.summary;
    title = titleFor(kind, language, analysis);
    name = nameFor(title, kind);
  } else if (previous && kindChanges && title === KIND_TITLES[language][previous.kind]) {
    title = KIND_TITLES[language][kind];
    name = nameFor(title, kind);
  }
  if (previous && analysis.title.explicit && analysis.title.title) {
    title = analysis.title.title;
    name = nameFor(title, kind);
  }
  if (resolved.title) {
    title = resolved.title;
    name = nameFor(title, kind);
  }

  const previousEntities = resolved.entities ?? previous?.entities ?? [];
  // "usuń e-mail": the e-mail output when the draft sends one, else the field of that name.
  const removeEither = { fields: [] as string[], outputs: [] as Output['type'][] };
  for (const { type, phrase } of analysis.removeEither) {
    if (previous?.outputs?.some((o) => o.type === type)) removeEither.outputs.push(type);
    else removeEither.fields.push(phrase.replace(/^the\s+/, ''));
  }
  const mainEntity = previousEntities[0]?.name ?? analysis.entities.namedEntity ?? context.pendingEntity ?? DEFAULT_ENTITY[kind];
  const entities = mergeEntities(previousEntities, {
    lists: analysis.entities.lists,
    mainEntity,
    replace: Boolean(previous) && analysis.correction && !analysis.add,
    removeFields: previous ? [...analysis.removeFields, ...removeEither.fields] : [],
    fieldChanges: analysis.fieldChanges,
  });

  let schedule = previous?.schedule ? { ...previous.schedule } : undefined;
  const timezone = analysis.schedule.timezone ?? schedule?.timezone;
  if (analysis.schedule.cron) schedule = { cron: analysis.schedule.cron, ...(timezone ? { timezone } : {}) };
  else if (schedule && analysis.schedule.timezone) schedule.timezone = analysis.schedule.timezone;

  moveFields(entities, analysis.corrections.moves);
  const sources =
    previous && analysis.replaceSources && analysis.locations.sources.length > 0
      ? mergeLocated([], analysis.locations.sources, false, SPEC_LIMITS.sources)
      : mergeLocated(previous?.sources ?? [], analysis.locations.sources, analysis.correction, SPEC_LIMITS.sources);
  let outputs: Output[] = (previous?.outputs ?? []).filter((o) => !analysis.removeOutputs.includes(o.type) && !removeEither.outputs.includes(o.type));
  outputs = mergeLocated(outputs, analysis.locations.outputs, analysis.correction, SPEC_LIMITS.outputs);
  if (kind === 'web-dashboard' && !outputs.some((o) => o.type === 'dashboard') && outputs.length < SPEC_LIMITS.outputs) outputs.push({ type: 'dashboard' });
  if (previous?.kind === 'web-dashboard' && kind !== 'web-dashboard') outputs = outputs.filter((o) => o.type !== 'dashboard' || o.target);

  const auth = analysis.auth ?? previous?.auth;
  // The app speaks the language the request was first written in.
  const appLanguage = previous && previous.summary.trim() !== '' ? (previous.language ?? language) : language;
  for (const entity of entities) entity.label ??= entityLabelFor(entity.name, appLanguage);
  const spec: AppSpec = {
    specVersion: 1,
    name,
    title,
    summary,
    kind,
    ...(entities.length > 0 ? { entities } : {}),
    ...(schedule ? { schedule } : {}),
    ...(sources.length > 0 ? { sources } : {}),
    ...(outputs.length > 0 ? { outputs } : {}),
    ...(auth ? { auth } : {}),
    language: appLanguage,
  };
  if (summary.trim() !== '') {
    spec.summary = summarise(spec, appLanguage);
    spec.tags = tagsFor(spec, appLanguage);
  }

  const raised: Slot[] = [];
  if (analysis.schedule.unsupported) raised.push('schedule');
  const rejected = analysis.locations.rejected;
  if (rejected.some((r) => r.reason === 'unsupported-url' || (r.reason === 'unsafe-path' && !/\.(?:csv|tsv)$/i.test(r.text)))) raised.push('sources');
  const missing = computeMissing(spec, {
    kindUnknown: previous ? kindWasMissing && !kindResolved : !analysis.kind.decided,
    contentMissing: summary.trim() === '',
    raised,
    carried: previous?.missing ?? [],
  });
  if (missing.length > 0) spec.missing = missing;

  const questionContext: QuestionContext = {
    kind,
    ...(analysis.entities.namedEntity || context.pendingEntity ? { entity: analysis.entities.namedEntity ?? context.pendingEntity } : {}),
    ...(rejected.find((r) => r.reason === 'unsafe-path') ? { rejectedPath: rejected.find((r) => r.reason === 'unsafe-path')!.text } : {}),
    ...(rejected.find((r) => r.reason === 'unsupported-url') ? { rejectedUrl: rejected.find((r) => r.reason === 'unsupported-url')!.text } : {}),
    ...(analysis.schedule.unsupported ? { unsupportedSchedule: analysis.schedule.unsupported } : {}),
    ...(analysis.webhookFor ? { webhookFor: analysis.webhookFor } : {}),
  };
  const questions = missing.map((slot) => ({ slot, question: QUESTIONS[language][slot](questionContext) }));
  const checked = appSpecSchema.safeParse(spec);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new SpecEngineError('internal-error', `The requirements engine built an invalid spec (${issue?.path.join('.') || '(root)'}: ${issue?.message}). Please report this request.`);
  }
  const confidence = confidenceOf(spec, missing, { decided: !missing.includes('kind') && (analysis.kind.decided || Boolean(previous)), explicit: analysis.kind.explicit }, summary.trim() !== '');
  const readings = readingsOf(analysis, checked.data, previous);
  const clarifications = clarificationsFor(readings, checked.data, analysis, resolved.unresolved, language);
  return { spec: checked.data, language, missing: [...missing], questions, confidence, truncated: analysis.truncated, intent: 'spec', changes: diffSpecs(previous, checked.data), readings, clarifications };
}

/** "move phone to the top", "notes after title": reorder the fields of the entity that has the field. */
function moveFields(entities: Entity[], moves: readonly Move[]): void {
  for (const move of moves) {
    const entity = entities.find((e) => e.fields.some((f) => fieldMatches(f, move.field)));
    if (!entity) continue;
    const field = entity.fields.find((f) => fieldMatches(f, move.field))!;
    const rest = entity.fields.filter((f) => f !== field);
    let at: number;
    if (move.to === 'first') at = 0;
    else if (move.to === 'last') at = rest.length;
    else {
      const anchor = 'before' in move.to ? move.to.before : move.to.after;
      const index = rest.findIndex((f) => fieldMatches(f, anchor));
      if (index < 0) continue;
      at = 'before' in move.to ? index : index + 1;
    }
    entity.fields = [...rest.slice(0, at), field, ...rest.slice(at)];
  }
}
