/** What a reporter is told about their `CHANGE:` reply (decision 0047), in the language of their report. */
export type ReporterAnswer = 'suggested' | 'awaiting-owner' | 'building' | 'needs-answer' | 'not-understood' | 'limited' | 'rejected';

export function reporterChangeText(language: string, kind: ReporterAnswer, detail: { title: string; limit: number; reply?: string; reason?: string }): string {
  const pl = language === 'pl';
  const { title } = detail;
  switch (kind) {
    case 'suggested':
      return pl
        ? `Dziękujemy. Zmiany w „${title}” wprowadzają jej właściciele, więc Twoja propozycja została przekazana im do skrzynki; nic nie zostało jeszcze zmienione. Dostaniesz odpowiedź w tym wątku.`
        : `Thank you. Changes to “${title}” come from its owners, so your suggestion was passed to them in their inbox; nothing was changed yet. You will get their answer in this thread.`;
    case 'awaiting-owner':
      return pl
        ? `Dziękujemy. Twoja zmiana w „${title}” czeka na zgodę właściciela aplikacji. Gdy ją zatwierdzi, zostanie zbudowana jako następna wersja, a Ty dostaniesz wiadomość, gdy trafi na Twoją stację roboczą; jeśli ją odrzuci, napiszemy dlaczego.`
        : `Thank you. Your change to “${title}” waits for an owner of the app to approve it. Once approved it is built as the next version, and you get a mail when it reaches your workstation; if it is rejected, we tell you why.`;
    case 'building':
      return pl
        ? `Twoja zmiana jest budowana jako następna wersja „${title}” (te same kontrole i zatwierdzenia co każda wersja). Dostaniesz wiadomość, gdy zostanie opublikowana i trafi na Twoją stację roboczą.`
        : `Your change is being built as the next version of “${title}” (the same checks and approvals as every version). You get a mail when it is published and reaches your workstation.`;
    case 'needs-answer':
      return pl
        ? `Twoja zmiana w „${title}” otworzyła pytanie, na które odpowiedzą właściciele aplikacji; nic nie jest jeszcze budowane.`
        : `Your change to “${title}” opened a question that the app's owners answer first; nothing is built yet.`;
    case 'not-understood':
      return pl
        ? `Nie zrozumieliśmy zmiany, więc niczego nie zmieniono: ${detail.reply ?? ''}\n\nNapisz ją np. tak: „ZMIANA: dodaj pole notatki”.`
        : `The change was not understood, so nothing was changed: ${detail.reply ?? ''}\n\nPut it like "CHANGE: add a notes field" or "CHANGE: make the end date optional".`;
    case 'limited':
      return pl
        ? `Poprosiłeś(-aś) już o ${detail.limit} zmiany w „${title}” w ciągu ostatniej doby, więc ta nie została przyjęta. Spróbuj jutro albo napisz do właścicieli aplikacji.`
        : `You asked for ${detail.limit} changes to “${title}” in the last day already, so this one was not taken. Try again tomorrow, or write to the app's owners.`;
    case 'rejected':
      return pl
        ? `Właściciel „${title}” nie przyjął Twojej zmiany${detail.reason ? `: ${detail.reason}` : ' (bez podanego powodu)'}. Nic nie zostało zmienione.`
        : `An owner of “${title}” did not take your change${detail.reason ? `: ${detail.reason}` : ' (no reason given)'}. Nothing was changed.`;
  }
}
