import type { AppKind, AppSpec } from '@marketplace/spec';
import type { AppDefinition, ModelEntity, ModelOutput, ModelSource, ReadPath, Setting } from '../shared/app-model.js';
import type { BUNDLED_LIBRARIES, ReadmeParts } from '../shared/project-files.js';
import type { Library } from '../shared/read-template.js';

/** What a kind adds to the common app: its part of the definition, its test fixtures and README text. */
export interface KindBuild {
  entities?: ModelEntity[];
  sources?: ModelSource[];
  outputs?: ModelOutput[];
  schedule?: AppDefinition['schedule'];
  /** Settings beyond PORT, HOST, APP_DATA_DIR, DATA_DIR and the auth ones. */
  settings: Setting[];
  /** Files outside the data directory the app reads (app.json `permissions.readPaths`). */
  readPaths?: ReadPath[];
  /** Extra keys of src/definition.mjs (e.g. the form). */
  extras?: Record<string, unknown>;
  /** Written to test/fixtures.mjs for the app's own tests. */
  fixtures: Record<string, unknown>;
  readme: ReadmeParts;
}

/** One generator: turns an AppSpec of its kind into the kind-specific part of an app. */
export interface KindGenerator {
  kind: AppKind;
  title: string;
  description: string;
  /** The AppSpec properties this generator reads. */
  parameters: readonly (keyof AppSpec)[];
  exampleSpec: AppSpec;
  /** Shared modules of src/shared/templates/lib the app imports. */
  libraries: readonly Library[];
  /** Third-party libraries esbuild bundles into the app. */
  bundled: readonly (keyof typeof BUNDLED_LIBRARIES)[];
  /** Files of src/kinds/templates/<kind>/: `*.test.mjs` go to test/, the others to src/. */
  templates: readonly string[];
  build(spec: AppSpec): KindBuild;
}
