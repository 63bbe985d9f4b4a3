import { describeSchedule, FORMAT_LABELS, formatSpec, type AppSpec, type KindSuggestion, type Language, type SpecQuestion } from '@marketplace/spec';
import type { Notice } from '../../http/notice.js';
import { noticeSentence } from '../../http/notice-sentence.js';
import type { SimilarApp } from './similar-apps.js';

const COMPLEXITY: Record<Language, Record<string, string>> = { en: { low: 'simple', medium: 'medium effort', high: 'more work' }, pl: { low: 'proste', medium: 'średnio złożone', high: 'bardziej złożone' } };

export const NOTICES: Record<string, Record<Language, string>> = {
  'llm-output-invalid': { en: 'The language model’s draft did not match the AppSpec schema, so the built-in engine filled the spec.', pl: 'Szkic modelu językowego nie pasował do schematu AppSpec, więc specyfikację uzupełnił wbudowany silnik.' },
  'providers-unavailable': { en: 'The language model is unavailable right now; the built-in engine answered.', pl: 'Model językowy jest teraz niedostępny; odpowiedział wbudowany silnik.' },
  'llm-budget-exceeded': { en: 'Your organisation’s language-model budget is used up; the built-in engine answered.', pl: 'Budżet organizacji na model językowy się wyczerpał; odpowiedział wbudowany silnik.' },
  'llm-rate-limited': { en: 'Too many language-model calls this minute; the built-in engine answered.', pl: 'Zbyt wiele wywołań modelu w tej minucie; odpowiedział wbudowany silnik.' },
};

/** The answer to "what can you do?" / "co potrafisz?": what the marketplace builds and how, in the user's language. */
export function capabilitiesReply(language: Language): string {
  return language === 'pl'
    ? [
        'Buduję małe narzędzia wewnętrzne na podstawie opisu: formularze, panele z wykresami, usługi API, automatyzacje według harmonogramu i narzędzia do danych (np. raport z pliku CSV).',
        'Aplikacja może czytać dane z pliku CSV, kanału RSS, adresu JSON lub skrzynki pocztowej, a wyniki wysyłać e-mailem, webhookiem, do pliku albo pokazywać w panelu.',
        'Każdą aplikację testuję, podpisuję kluczem organizacji i wysyłam mailem do agenta na Twoim komputerze. Aplikacje mówią po polsku albo po angielsku.',
        'Opisz, czego potrzebujesz, np. „formularz wniosków urlopowych z polami: imię, data od, data do”.',
      ].join('\n')
    : [
        'I build small internal tools from a description: forms, dashboards, API services, scheduled automations and data tools (for example a report from a CSV file).',
        'An app can read a CSV file, an RSS feed, a JSON address or a mailbox, and send results by e-mail, webhook, to a file or show them on a dashboard.',
        'Every app is tested, signed with your organisation’s key and mailed to the agent on your workstation. Apps speak English or Polish.',
        'Describe what you need, for example “a form for vacation requests with fields: name, start date, end date”.',
      ].join('\n');
}

/** A message the engine could not read: say so, and ask the open questions again (or say what kind of message helps). */
export function notUnderstoodReply(language: Language, openQuestions: string[]): string {
  const pl = language === 'pl';
  const head = pl ? 'Nie zrozumiałem tej wiadomości; projekt aplikacji się nie zmienił.' : 'I did not understand that message; the app draft is unchanged.';
  if (openQuestions.length) return [head, ...openQuestions].join('\n');
  return `${head} ${pl ? 'Napisz, co zmienić, np. „dodaj pole notatki”, „zmień nazwę aplikacji na Parking” albo „usuń pole data”.' : 'Tell me what to change, for example “add a notes field”, “rename the app to Parking” or “remove the field date”.'}`;
}

/** A first message the engine could not read ("asdf", "hello", "?"): say so, what the marketplace builds, and an example. */
export function notUnderstoodFirstReply(language: Language): string {
  const head = language === 'pl' ? 'Nie zrozumiałem tej wiadomości, więc nie zacząłem projektu aplikacji.' : 'I did not understand that message, so I started no app draft.';
  return `${head}\n${capabilitiesReply(language)}`;
}

export function greeting(language: Language): string {
  return language === 'pl' ? 'Czego potrzebujesz? Opisz narzędzie w jednym lub dwóch zdaniach.' : 'What do you need? Describe the tool in a sentence or two.';
}

/** What a similar app shares with the draft, in the conversation's language (its kind in words, not `api-service`). */
const sharedText = (app: SimilarApp, language: Language): string =>
  app.reasons
    .map((reason, i) => {
      const kind = reason.code === 'similar.kind' ? FORMAT_LABELS[language].kind[reason.params.kind as AppSpec['kind']] : undefined;
      return noticeSentence(kind ? { ...reason, params: { kind } } : reason, language, app.shared[i] ?? '');
    })
    .join(', ');

/** The built-in engine's reply: what was understood, what is still open, and what to do next. */
export function composeReply(language: Language, input: { spec: AppSpec; missing: string[]; questions: SpecQuestion[]; clarifications: SpecQuestion[]; suggestions: KindSuggestion[]; similar: SimilarApp[]; changes: string }): string {
  const pl = language === 'pl';
  const parts: string[] = input.changes ? [input.changes] : [];
  const { spec } = input;
  const schedule = spec.schedule ? ` ${pl ? 'Harmonogram' : 'Schedule'}: ${describeSchedule(spec.schedule.cron, language)}.` : '';
  // the kind in words, as the spec below and the UI say it (not its identifier, `form-app`)
  const kind = FORMAT_LABELS[language].kind[spec.kind];
  parts.push(pl ? `Szkic: „${spec.title}” (${kind}).${schedule}` : `Draft: “${spec.title}” (${kind}).${schedule}`);
  if (input.suggestions.length) {
    parts.push(pl ? 'To może być jedno z tych:' : 'It could be one of these:');
    input.suggestions.forEach((s, i) => parts.push(`${i + 1}. ${s.reason} — ${COMPLEXITY[language][s.complexity]}`));
  }
  if (input.similar.length) {
    const app = input.similar[0]!;
    parts.push(
      pl
        ? `Ktoś już to zbudował: ${app.title} (${app.name} ${app.latestVersion ?? ''}; ${sharedText(app, language)}). Możesz go użyć albo budować dalej nową aplikację.`
        : `Someone already built this: ${app.title} (${app.name} ${app.latestVersion ?? ''}; ${sharedText(app, language)}). You can use it, or go on with a new app.`,
    );
  }
  if (input.questions.length) parts.push(...input.questions.map((q) => q.question));
  else if (!input.missing.length) {
    parts.push(formatSpec(spec, language));
    parts.push(pl ? 'Specyfikacja jest kompletna. Wybierz „Zbuduj tę aplikację” (albo odpowiedz „tak”), a ją zbuduję.' : 'The spec is complete. Choose “Build this app” (or reply “yes”) and I will build it.');
  }
  parts.push(...input.clarifications.map((q) => q.question));
  return parts.join('\n');
}

export function buildStartedReply(language: Language, title: string, requestId: string): string {
  return language === 'pl'
    ? `Buduję „${title}” (zgłoszenie ${requestId}). Dam znać, gdy wydanie będzie w drodze.`
    : `Building “${title}” (request ${requestId}). I will tell you when the release is on its way.`;
}

/** A message after the app was published: nothing is building any more, and a change takes a new conversation. */
export function publishedAlreadyReply(language: Language, title: string, requestId: string): string {
  return language === 'pl'
    ? `„${title}” jest już zbudowana i opublikowana w katalogu (zgłoszenie ${requestId}). Aby zmienić aplikację, zacznij nową rozmowę.`
    : `“${title}” is already built and published in your catalog (request ${requestId}). To change the app, start a new conversation.`;
}

/** What the Deliver step did: sent to `deliveries` of the requester's workstations, or none enrolled (not sent). */
export function deliveredReply(language: Language, title: string, version: string | null, deliveries: number, skipped: 'no-workstation' | 'not-automatic' = 'no-workstation'): string {
  if (deliveries === 0 && skipped === 'not-automatic') {
    return language === 'pl'
      ? `„${title}” ${version ?? ''} jest opublikowana w katalogu; nie wysłano: Twoja organizacja wysyła wydania dopiero, gdy ktoś je zainstaluje. Zainstaluj aplikację z jej strony.`
      : `“${title}” ${version ?? ''} is published in your catalog; not sent: your organisation sends releases only when someone installs them. Install it from the app page.`;
  }
  if (deliveries === 0) {
    return language === 'pl'
      ? `„${title}” ${version ?? ''} jest opublikowana w katalogu; nie wysłano: nie masz zarejestrowanej stacji roboczej. Zarejestruj ją (strona Wdrożenia), a potem zainstaluj aplikację z jej strony.`
      : `“${title}” ${version ?? ''} is published in your catalog; not sent: you have no workstation enrolled. Enrol one (Deployments page), then install it from the app page.`;
  }
  return language === 'pl'
    ? `„${title}” ${version ?? ''} jest opublikowana w katalogu; podpisane wydanie jest w drodze na Twoje stacje robocze (${deliveries}).`
    : `“${title}” ${version ?? ''} is published in your catalog; the signed release is on its way to your workstation${deliveries > 1 ? `s (${deliveries})` : ''}.`;
}

/** A failed build, told in the conversation's language: the request's reason is worded from its notice when it has one. */
export function failedReply(language: Language, title: string, error: { step?: string; message?: string; notice?: Notice } | null): string {
  const reason = noticeSentence(error?.notice, language, error?.message ?? '');
  return language === 'pl'
    ? `Budowanie „${title}” nie powiodło się (${error?.step ?? '?'}: ${reason}). Zmień specyfikację albo wybierz „Zbuduj” ponownie.`
    : `Building “${title}” failed (${error?.step ?? '?'}: ${reason}). Change the spec or choose “Build this app” again.`;
}

export function notReadyReply(language: Language, missing: string[]): string {
  return language === 'pl' ? `Zanim zbuduję, potrzebuję jeszcze: ${missing.join(', ')}.` : `Before I can build it I still need: ${missing.join(', ')}.`;
}
