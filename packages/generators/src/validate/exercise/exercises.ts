import type { AppKind } from '@marketplace/spec';
import { exerciseApiService } from './api-service.js';
import { exerciseAutomation } from './automation.js';
import { exerciseDataTool } from './data-tool.js';
import type { Exercise } from './exercise-context.js';
import { exerciseFormApp } from './form-app.js';
import { exerciseWebDashboard } from './web-dashboard.js';

/** The one real use validation makes of each kind of app. */
export const EXERCISES: Record<AppKind, Exercise> = {
  'api-service': exerciseApiService,
  'web-dashboard': exerciseWebDashboard,
  'form-app': exerciseFormApp,
  automation: exerciseAutomation,
  'data-tool': exerciseDataTool,
};
