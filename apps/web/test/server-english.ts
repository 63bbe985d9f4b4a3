/** Fields in which the server sends an English sentence beside its code (and, lately, its notice). */
const SENTENCE_FIELDS = new Set(['message', 'error', 'detail']);

/**
 * Every English sentence the server wrote into an answer: the fields above, three words or more, at any
 * depth; a notice's parameters are values put into a sentence (a path, a test runner's count), not sentences.
 */
export function serverSentences(body: unknown): string[] {
  if (Array.isArray(body)) return body.flatMap(serverSentences);
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([key, value]) =>
    key === 'params' ? [] : SENTENCE_FIELDS.has(key) && typeof value === 'string' && value.trim().split(/\s+/).length >= 3 ? [value] : serverSentences(value),
  );
}

/** The server's English sentences of these answers that a page still shows: on a Polish page, none may. */
export function serverEnglishIn(text: string, ...bodies: unknown[]): string[] {
  return bodies.flatMap(serverSentences).filter((sentence) => text.includes(sentence));
}
