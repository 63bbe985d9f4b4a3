/* global fetch, AbortSignal */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveInDataDir } from './files.mjs';

/**
 * Delivers one message to every output of the app: email (through SMTP_*), webhook (a JSON
 * POST), file (one JSON line appended in the data directory: subject, text and data). Returns one result per output;
 * an output that is not configured is skipped with the reason, never silently.
 */
export function createNotifier(definition, config) {
  const { settings } = config;

  async function deliver(output, message) {
    const target = output.setting ? settings[output.setting] : undefined;
    if (output.type === 'dashboard') return { ok: true, detail: 'shown on the status page' };
    if (!target) return { ok: false, skipped: true, detail: `${output.setting} is not set` };
    if (output.type === 'email') {
      if (!settings.SMTP_HOST) return { ok: false, skipped: true, detail: 'SMTP_HOST is not set' };
      const { sendMail } = await import('./mail.mjs');
      await sendMail(settings, { to: target, subject: message.subject, text: message.text, attachments: message.attachments });
      return { ok: true, detail: `sent to ${target}` };
    }
    if (output.type === 'webhook') {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app: definition.name, subject: message.subject, data: message.data }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      return { ok: true, detail: `posted (${response.status})` };
    }
    if (output.type === 'file') {
      const path = resolveInDataDir(config.dataDir, target);
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify({ time: new Date().toISOString(), subject: message.subject, text: message.text, data: message.data })}\n`);
      return { ok: true, detail: `appended to ${target}` };
    }
    return { ok: false, skipped: true, detail: `unknown output type ${output.type}` };
  }

  return async function notify(message) {
    const results = [];
    for (const output of definition.outputs) {
      try {
        results.push({ type: output.type, ...(await deliver(output, message)) });
      } catch (error) {
        results.push({ type: output.type, ok: false, detail: error.message });
      }
    }
    return results;
  };
}
