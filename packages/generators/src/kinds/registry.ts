import type { AppKind } from '@marketplace/spec';
import { apiService } from './api-service.js';
import { automation } from './automation.js';
import { dataTool } from './data-tool.js';
import { formApp } from './form-app.js';
import type { KindGenerator } from './kind-generator.js';
import { webDashboard } from './web-dashboard.js';

/** Every generator, by the kind of app it makes. The one place a new kind is registered. */
export const GENERATORS: ReadonlyMap<AppKind, KindGenerator> = new Map<AppKind, KindGenerator>([
  ['api-service', apiService],
  ['web-dashboard', webDashboard],
  ['form-app', formApp],
  ['automation', automation],
  ['data-tool', dataTool],
]);
