/* global fetch, AbortSignal */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveInDataDir } from './files.mjs';
import { t } from './i18n.mjs';

/**
 * Delivers one message to every output of the app: email (through SMTP_*), webhook (a JSON
 * POST), file (one JSON line appended in the data directory: subject, text and data). Returns one result per output;
 * an output that is not configured is skipped with the reason, never silently.
 */
export function createNotifier(definition, config) {
  const { settings } = config;

  async function deliver(output, message) {
    const target = output.setting ? settings[output.setting] : undefined;
    if (output.type === 'dashboard') return { ok: true, detail: t('notify.shown') };
    if (!target) return { ok: false, skipped: true, detail: t('notify.notSet', { setting: output.setting }) };
    if (output.type === 'email') {
      if (!settings.SMTP_HOST) return { ok: false, skipped: true, detail: t('notify.notSet', { setting: 'SMTP_HOST' }) };
      const { sendMail } = await import('./mail.mjs');
      await sendMail(settings, { to: target, subject: message.subject, text: message.text, attachments: message.attachments });
      return { ok: true, detail: t('notify.sent', { target }) };
    }
    if (output.type === 'webhook') {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app: definition.name, subject: message.subject, data: message.data }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) throw new Error(t('notify.webhookAnswered', { status: response.status }));
      return { ok: true, detail: t('notify.posted', { status: response.status }) };
    }
    if (output.type === 'file') {
      const path = resolveInDataDir(config.dataDir, target);
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, `${JSON.stringify({ time: new Date().toISOString(), subject: message.subject, text: message.text, data: message.data })}\n`);
      return { ok: true, detail: t('notify.appended', { target }) };
    }
    return { ok: false, skipped: true, detail: t('notify.unknownOutput', { type: output.type }) };
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
