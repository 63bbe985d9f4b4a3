export {
  APP_KINDS,
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
  outputSchema,
  parseAppSpec,
  scheduleSchema,
  slugSchema,
  sourceSchema,
} from './app-spec.js';
export type { AppKind, AppSpec, Entity, Field, FieldType, Output, Schedule, Source, SpecIssue } from './app-spec.js';
