import { continueSpec, parseAppSpec } from '@marketplace/spec';
import { AppError } from '../../errors/app-error.js';
import type { AppChangeInput, AppChangeOutcome } from '../mail-processing/inbox-change.js';
import { recogniseIntent } from './command-intents.js';
import { buildConversation, converse } from './conversation-engine.js';
import { appToChange, createConversation, getConversation, saveTurn } from './conversation-repository.js';
import type { ConversationServices } from './conversation-services.js';

/**
 * A change in words to an app that exists: a conversation of the caller whose draft starts as the app's
 * published spec, one ordinary turn with the change (the same engine as every chat: changes in words,
 * EN/PL, the model only for what the rules missed), and — when the turn changed the draft and nothing is
 * missing — the same build as "Build this app", whose request publishes the app's next version. The
 * caller must already be allowed to publish into the app; publishing checks that again.
 */
export async function changeAppInWords(services: ConversationServices, input: AppChangeInput): Promise<AppChangeOutcome> {
  const app = await appToChange(services.db, input.orgId, input.appId);
  const parsed = app?.latest_version ? parseAppSpec(app.spec) : null;
  if (!app || !parsed?.ok) {
    throw new AppError('APP_SPEC_UNAVAILABLE', 409, 'This app has no published spec to change (it was not built by the marketplace); describe the new version in a conversation instead (POST /api/v1/conversations).');
  }
  const { language } = continueSpec(parsed.spec, input.text);
  // A command ("build it", "deploy X …") is not a change: it would act on the draft instead of changing it.
  if (recogniseIntent(input.text)) return { conversationId: null, requestId: null, state: 'not-understood', reply: notAChange(language), changes: 0 };
  const started = await createConversation(services.db, { orgId: input.orgId, userId: input.userId, channel: 'api', language, draft: { spec: parsed.spec, title: app.title } });
  const intro = input.requestedBy
    ? language === 'pl' ? `Zmiana aplikacji „${app.title}” ${app.latest_version} na prośbę zgłaszającego.` : `Changing “${app.title}” ${app.latest_version} as its reporter asked.`
    : language === 'pl' ? `Zmiana aplikacji „${app.title}” ${app.latest_version} (odpowiedź na zgłoszenie).` : `Changing “${app.title}” ${app.latest_version} (a reply to a report).`;
  await saveTurn(services, started, [{ role: 'assistant', text: intro, language, spec: parsed.spec, details: { changeOf: { appId: app.id, version: app.latest_version, ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}) } } }], {});
  const turn = await converse(services, { orgId: input.orgId, userId: input.userId, conversationId: started.id, text: input.text });
  if (turn.intent !== null || turn.changes.length === 0) return { conversationId: started.id, requestId: null, state: 'not-understood', reply: turn.reply, changes: 0 };
  if (turn.state !== 'ready') return { conversationId: started.id, requestId: null, state: 'needs-answer', reply: turn.reply, changes: turn.changes.length };
  const built = await buildConversation(services, await getConversation(services.db, input.orgId, started.id), 'conversation', input.requestedBy ?? null);
  return { conversationId: started.id, requestId: built.requestId, state: 'building', reply: `${turn.reply}\n${built.reply}`, changes: turn.changes.length };
}

function notAChange(language: 'en' | 'pl'): string {
  return language === 'pl'
    ? 'To polecenie, nie zmiana aplikacji. Opisz zmianę słowami, np. „dodaj pole notatki” albo „data końca niech będzie opcjonalna”.'
    : 'That is a command, not a change to the app. Say the change in words, e.g. “add a notes field” or “make the end date optional”.';
}
