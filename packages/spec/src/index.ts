export {
  APP_KINDS,
  APP_LANGUAGES,
  AUTH_MODES,
  FIELD_TYPES,
  OUTPUT_TYPES,
  SOURCE_TYPES,
  SPEC_LIMITS,
  appSpecJsonSchema,
  appSpecSchema,
  entitySchema,
  fieldSchema,
  identifierSchema,
  mcpToolUseSchema,
  outputSchema,
  parseAppSpec,
  scheduleSchema,
  slugSchema,
  sourceSchema,
  workstationPathSchema,
} from './app-spec.js';
export type { AppKind, AppLanguage, AppSpec, Entity, Field, FieldType, McpToolUse, Output, Schedule, Source, SpecIssue } from './app-spec.js';

export { extractSpec } from './engine/extract-spec.js';
export type { ExtractOptions } from './engine/extract-spec.js';
export { continueSpec } from './engine/continue-spec.js';
export type { SpecQuestion, SpecResult } from './engine/apply-analysis.js';
export { LOW_CONFIDENCE } from './engine/slot-readings.js';
export type { SlotReading } from './engine/slot-readings.js';
export { diffSpecs } from './engine/diff-specs.js';
export type { SpecChange } from './engine/diff-specs.js';
export { describeChanges, specNamer } from './engine/describe-changes.js';
export { describeSchedule } from './engine/describe-schedule.js';
export { tagsFor } from './engine/describe-app.js';
export { formatSpec } from './engine/format-spec.js';
export { FORMAT_LABELS } from './engine/rules/format-labels.js';
export { suggestKinds } from './engine/suggest-kinds.js';
export type { Complexity, KindSuggestion } from './engine/suggest-kinds.js';
export { validateCron } from './engine/validate-cron.js';
export type { CronCheck } from './engine/validate-cron.js';
export { LANGUAGES } from './engine/detect-language.js';
export type { Language, LanguageGuess } from './engine/detect-language.js';
export { detectTextLanguage } from './engine/detect-text-language.js';
export { SLOTS } from './engine/rules/questions.js';
export type { Slot } from './engine/rules/questions.js';
export { ENGINE_LIMITS } from './engine/engine-limits.js';
export { SpecEngineError, isSpecEngineError } from './engine/spec-engine-error.js';
export type { SpecEngineErrorCode } from './engine/spec-engine-error.js';
