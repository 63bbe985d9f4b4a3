import process from 'node:process';
import { resolve } from 'node:path';
import { definition } from '../definition.mjs';

export class ConfigError extends Error {
  constructor(problems) {
    super(`The app cannot start: ${problems.join('; ')}. Set these environment variables (see README.md).`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads every setting declared in definition.settings from the environment, applying the
 * documented defaults. Fails fast with one message listing everything that is wrong.
 */
export function loadConfig(env = process.env) {
  const problems = [];
  const settings = {};
  for (const setting of definition.settings) {
    const raw = env[setting.name];
    const value = raw === undefined || raw === '' ? setting.default : raw;
    if (setting.required && (value === undefined || value === '')) {
      problems.push(`${setting.name} is required (${setting.description})`);
    }
    settings[setting.name] = value;
  }
  const port = Number(settings.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number between 0 and 65535, got "${settings.PORT}"`);
  }
  for (const setting of definition.settings) {
    const value = settings[setting.name];
    if (setting.type === 'integer' && value !== undefined && !/^\d+$/.test(String(value))) {
      problems.push(`${setting.name} must be a whole number, got "${value}"`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port,
    host: settings.HOST,
    // The deploy agent gives each app one data directory that outlives its versions; DATA_DIR is for hand runs.
    dataDir: resolve(settings.APP_DATA_DIR || settings.DATA_DIR || './data'),
    settings: Object.freeze(settings),
  });
}
