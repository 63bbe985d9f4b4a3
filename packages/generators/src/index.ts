export { buildApp } from './build-app.js';
export type { BuildResult } from './build-app.js';
export { GeneratorError } from './errors.js';
export type { GeneratorErrorCode } from './errors.js';
export { generateApp } from './generate-app.js';
export type { GeneratedApp } from './generate-app.js';
export { listTemplates } from './list-templates.js';
export type { TemplateInfo } from './list-templates.js';
export { writeApp } from './write-app.js';
