export { APP_MANIFEST_FILE, appManifestSchema, parseAppManifest } from './app-manifest.js';
export type { AppManifest, AppManifestInput } from './app-manifest.js';
