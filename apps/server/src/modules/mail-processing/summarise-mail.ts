/** How long a built-in summary may get (a paragraph a person reads at a glance). */
const SUMMARY_CHARS = 320;

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|dzień dobry|cześć|witam|witaj|hej|szanown\w+)\b[^.!?\n]{0,40}[,!.]?\s*$/i;
const CLOSING = /^(thanks|thank you|best|regards|kind regards|cheers|br|pozdrawiam|pozdrowienia|z poważaniem|dzięki|dziękuję)\b[^.!?\n]{0,30}[,!.]?\s*$/i;

/**
 * The built-in summary: the message's first meaningful sentences (the new text, so without quoted
 * replies or the signature), greetings and sign-offs left out, cut at a sentence end near the limit.
 */
export function summariseMail(subject: string, newText: string): string {
  const lines = newText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !GREETING.test(l) && !CLOSING.test(l));
  const body = lines.join(' ').replace(/\s+/g, ' ').trim();
  if (!body) return subject.trim().slice(0, SUMMARY_CHARS);
  const sentences = body.match(/[^.!?]+[.!?]*/g) ?? [body];
  let summary = '';
  for (const sentence of sentences) {
    const next = `${summary} ${sentence.trim()}`.trim();
    if (next.length > SUMMARY_CHARS) break;
    summary = next;
  }
  return summary || `${body.slice(0, SUMMARY_CHARS - 1)}…`;
}
