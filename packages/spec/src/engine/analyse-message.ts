import type { AppSpec, FieldType } from '../app-spec.js';
import { detectLanguage, type Language } from './detect-language.js';
import { extractEntities, type EntityFindings } from './extract-entities.js';
import { extractKind, type KindFindings } from './extract-kind.js';
import { extractLocations, type LocationFindings } from './extract-locations.js';
import { extractSchedule, type ScheduleFindings } from './extract-schedule.js';
import { extractTitle, hasContent, summaryOf, type TitleFindings } from './extract-title.js';
import { maskSpans, prepareText } from './prepare-text.js';
import { readCorrections, type CorrectionFindings } from './read-corrections.js';
import { AUTH_RULES } from './rules/auth-rules.js';
import { REPLACE_SOURCES } from './rules/correction-rules.js';
import { ADD_CUE, CORRECTION_CUE, OUTPUT_WORDS, REMOVE_CUE, TYPE_CHANGE, type FieldChange } from './rules/cue-rules.js';
import { TYPE_WORDS, OPTIONAL_WORDS, REQUIRED_WORDS } from './rules/field-type-rules.js';

export interface AnalyseOptions {
  /** Force the language instead of detecting it. */
  language?: Language;
  /** The conversation's language so far; a short message keeps it unless it is clearly the other one. */
  conversationLanguage?: Language;
  /** The last reply asked for a schedule: a bare "Friday 8am" counts. */
  expectSchedule?: boolean;
  /** The last reply asked for fields: a bare "name, email, date" counts. */
  expectFields?: boolean;
}

/** Everything one message says, slot by slot, before it is applied to a spec. */
export interface MessageAnalysis {
  language: Language;
  truncated: boolean;
  hasContent: boolean;
  summary: string;
  kind: KindFindings;
  schedule: ScheduleFindings;
  locations: LocationFindings;
  entities: EntityFindings;
  auth?: NonNullable<AppSpec['auth']>;
  title: TitleFindings;
  correction: boolean;
  add: boolean;
  removeFields: string[];
  removeOutputs: NonNullable<AppSpec['outputs']>[number]['type'][];
  /** Words of a removal that name an output or a field alike ("usuń e-mail"): the draft decides. */
  removeEither: { type: NonNullable<AppSpec['outputs']>[number]['type']; phrase: string }[];
  fieldChanges: FieldChange[];
  /** "X, not Y", renames, "add a notes field", and whether the message is a question about the marketplace. */
  corrections: CorrectionFindings;
  /** "replace the source with …": the sources this message names replace all the draft's sources. */
  replaceSources: boolean;
  /** "Slack" or "Teams" when a webhook was asked for by name. */
  webhookFor?: string;
}

export function analyseMessage(raw: string, options: AnalyseOptions = {}): MessageAnalysis {
  const prepared = prepareText(raw);
  const { text, folded } = prepared;
  const locations = extractLocations(text, folded);
  const guess = detectLanguage(locations.masked, locations.foldedMasked, options.conversationLanguage ?? 'en');
  let language = options.language ?? guess.language;
  if (!options.language && options.conversationLanguage && guess.language !== options.conversationLanguage && guess.margin < 3) {
    language = options.conversationLanguage;
  }
  const schedule = extractSchedule(text, locations.foldedMasked, language, options.expectSchedule);
  const corrections = readCorrections(text, locations.foldedMasked, language);
  // What a correction says ("laptops, not employees") is not read again as fields or as the kind.
  const rest = maskSpans(locations.foldedMasked, corrections.spans);
  const entities = extractEntities(text, rest, language, options.expectFields && corrections.spans.length === 0);
  if (corrections.addedFields.length > 0) entities.lists.push({ fields: corrections.addedFields, start: text.length });
  const kind = extractKind(rest, {
    hasSchedule: Boolean(schedule.cron || schedule.unsupported),
    csvSource: locations.sources.some((s) => s.type === 'csv' && s.path !== undefined),
    feedOrMailSource: locations.sources.some((s) => s.type === 'rss' || s.type === 'imap'),
    notifyOutput: locations.outputs.some((o) => o.type === 'email' || o.type === 'webhook'),
    fileOutput: locations.outputs.some((o) => o.type === 'file'),
    keepsRecords: entities.lists.length > 0,
    namedFileOutput: locations.outputs.some((o) => o.type === 'file' && o.target !== undefined),
  });
  const firstList = entities.lists.reduce<number | undefined>((min, l) => (min === undefined || l.start < min ? l.start : min), undefined);
  const title = extractTitle({ original: text, folded, locations: locations.spans }, firstList, schedule.spans);
  const removals = readRemovals(rest);
  const webhookFor = /\bslack/.test(locations.foldedMasked) ? 'Slack' : /\bteams/.test(locations.foldedMasked) ? 'Teams' : undefined;
  const auth = readAuth(locations.foldedMasked);
  return {
    language,
    truncated: prepared.truncated,
    hasContent: hasContent(locations.masked),
    summary: summaryOf(text),
    kind,
    schedule,
    locations,
    entities,
    ...(auth ? { auth } : {}),
    title,
    correction: CORRECTION_CUE.test(locations.foldedMasked),
    add: ADD_CUE.test(locations.foldedMasked),
    removeFields: removals.fields,
    removeOutputs: removals.outputs,
    removeEither: removals.either,
    fieldChanges: readFieldChanges(rest),
    corrections,
    replaceSources: REPLACE_SOURCES.test(locations.foldedMasked),
    ...(webhookFor ? { webhookFor } : {}),
  };
}

function readAuth(folded: string): MessageAnalysis['auth'] {
  let best: { mode: NonNullable<MessageAnalysis['auth']>; index: number } | undefined;
  for (const [mode, pattern] of AUTH_RULES) {
    pattern.lastIndex = 0;
    for (const m of folded.matchAll(pattern)) if (!best || m.index > best.index) best = { mode, index: m.index };
  }
  return best?.mode;
}

function readRemovals(folded: string): { fields: string[]; outputs: MessageAnalysis['removeOutputs']; either: MessageAnalysis['removeEither'] } {
  const fields: string[] = [];
  const outputs: MessageAnalysis['removeOutputs'] = [];
  const either: MessageAnalysis['removeEither'] = [];
  for (const cue of REMOVE_CUE) {
    const m = cue.exec(folded);
    if (!m) continue;
    for (const part of m[1]!.split(/\s*(?:,|\band\b|\bi\b|\boraz\b)\s*/)) {
      const name = part.trim();
      if (!name) continue;
      const output = OUTPUT_WORDS.find(([p]) => p.test(name))?.[1];
      if (output === 'email' || output === 'file') either.push({ type: output, phrase: name });
      else if (output) outputs.push(output);
      else fields.push(name);
    }
  }
  return { fields, outputs, either };
}

function readFieldChanges(folded: string): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const rule of TYPE_CHANGE) {
    rule.lastIndex = 0;
    for (const m of folded.matchAll(rule)) {
      const word = m[2]!.trim();
      const field = m[1]!.trim().replace(/^(?:the|pole)\s+/, '');
      if (REQUIRED_WORDS.test(word)) changes.push({ field, required: true });
      else if (OPTIONAL_WORDS.test(word)) changes.push({ field, required: false });
      else {
        const type: FieldType | undefined = TYPE_WORDS.find(([p]) => p.test(word))?.[1];
        if (type) changes.push({ field, type });
      }
    }
  }
  return changes;
}

