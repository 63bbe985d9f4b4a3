/**
 * Words that give a request's language away even when it is only a few words long
 * ("co 15 minut", "fields: name, email"). Matched on folded text (no diacritics).
 */
export const LANGUAGE_WORDS: Record<'en' | 'pl', RegExp> = {
  en: /\b(?:the|a|an|and|or|with|for|every|each|me|my|our|to|of|on|at|in|is|it|should|please|need|want|make|build|create|send|fields?|daily|weekly|monthly|hourly|quarterly|yearly|nightly|weekdays|minutes?|hours?|day|week|month|from|change|actually|instead|add|remove|mailbox|which|that|when|also)\b/g,
  pl: /\b(?:i|w|we|z|ze|na|do|dla|oraz|co|mi|nam|sie|jest|ma|byc|prosze|potrzebuje|chce|zrob|stworz|wyslij|wysylaj|pola|pole|polami|formularz\w*|codziennie|tygodni\w*|miesiac\w*|kwartal\w*|godzin\w*|minut\w*|kazd\w*|raz|zmien|jednak|zamiast|dodaj|usun|nazwij|nazwa|imie|nazwisko|data|raport\w*|panel\w*|wykres\w*|skrzynk\w*|ktory|ktora|ktore|gdzie|tez|rowniez|zeby|aby|poniedzial\w*|wtor\w*|srod\w*|czwart\w*|piat\w*|sobot\w*|niedziel\w*|rano|wieczorem|polnocy|poludnie)\b/g,
};

/** Letters only Polish uses among the two languages. */
export const POLISH_LETTERS = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g;
