import { z } from 'zod';
import { notice, type Notice } from '../../http/notice.js';
import { noticesSentence } from '../../http/notice-sentence.js';
import { wordPattern } from './word-pattern.js';

/** What the spam stage found: a score, whether that is spam, and which engine said so. */
export interface SpamVerdict {
  engine: 'rspamd' | 'builtin';
  score: number;
  threshold: number;
  spam: boolean;
  /** Why, as notices (the UI words them); `reason` is their English sentence. */
  notices: Notice[];
  reason: string;
}

const verdict = (fields: Omit<SpamVerdict, 'reason'>): SpamVerdict => ({ ...fields, reason: noticesSentence(fields.notices) });

/** The built-in rules: a message at or over this score is spam. */
export const BUILTIN_SPAM_THRESHOLD = 5;
/** How long rspamd may take before the built-in rules answer instead. */
const RSPAMD_TIMEOUT_MS = 5_000;

// SpamAssassin's and rspamd's test string (Generic Test for Unsolicited Bulk Email).
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** Each rule: a pattern over subject + text (lower case), its weight and its name for the reason. */
const RULES: { name: string; weight: number; test: RegExp }[] = [
  { name: 'pharmacy', weight: 4, test: wordPattern(String.raw`\b(viagra|cialis|pharmacy|pills?|weight loss|odchudzani\w*|tabletk\w*)\b`)},
  { name: 'money-offer', weight: 3, test: wordPattern(String.raw`\b(lottery|jackpot|you (have )?won|winner|prize|million (dollars|usd|euro)|wygra(łeś|łaś|na)|nagrod\w+|loteri\w+)\b`)},
  { name: 'casino', weight: 3, test: wordPattern(String.raw`\b(casino|kasyn\w*|bet(ting)? bonus|free spins|darmowe spiny)\b`)},
  { name: 'crypto-investment', weight: 3, test: wordPattern(String.raw`\b(bitcoin|crypto(currency)?|kryptowalut\w*|investment opportunity|guaranteed (return|profit)|gwarantowan\w+ zysk\w*|double your)\b`)},
  { name: 'loan', weight: 3, test: wordPattern(String.raw`\b(loan without|instant loan|chwilówk\w*|kredyt bez\w*|pożyczk\w+ bez)\b`)},
  { name: 'urgent-action', weight: 2, test: wordPattern(String.raw`\b(act now|urgent(ly)?|limited time|last chance|tylko dziś|ostatnia szansa|nie przegap)\b`)},
  { name: 'click-here', weight: 2, test: wordPattern(String.raw`\b(click here|kliknij (tutaj|tu|w link))\b`)},
  { name: 'account-phish', weight: 3, test: wordPattern(String.raw`\b(verify your (account|password)|account (has been )?suspended|confirm your (bank|password)|zweryfikuj (swoje )?konto|konto zostało zablokowane)\b`)},
  { name: 'prince', weight: 4, test: wordPattern(String.raw`\b(inheritance|beneficiary|next of kin|spadek po|transfer of funds)\b`)},
  { name: 'free-offer', weight: 1, test: wordPattern(String.raw`\b(100% free|risk[- ]free|bez ryzyka|za darmo|free gift|darmowy prezent)\b`)},
];

/** Built-in spam rules: GTUBE, well-known spam phrases (EN, PL), shouting subjects, many links, money symbols. */
export function builtinSpamScore(input: { subject: string; text: string; links: number }): SpamVerdict {
  const haystack = `${input.subject}\n${input.text}`;
  if (haystack.includes(GTUBE)) return verdict({ engine: 'builtin', score: 1000, threshold: BUILTIN_SPAM_THRESHOLD, spam: true, notices: [notice('mailStage.spamGtube')] });
  const lower = haystack.toLowerCase();
  const hits: string[] = [];
  let score = 0;
  for (const rule of RULES) {
    if (rule.test.test(lower)) {
      score += rule.weight;
      hits.push(`${rule.name} +${rule.weight}`);
    }
  }
  const letters = input.subject.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 8 && letters === letters.toUpperCase()) {
    score += 2;
    hits.push('subject-capitals +2');
  }
  if (/[$€£]\s?\d|\d\s?(usd|eur|pln|zł)\b/i.test(haystack) && score > 0) {
    score += 1;
    hits.push('money-amounts +1');
  }
  if (input.links >= 5) {
    score += 2;
    hits.push('many-links +2');
  }
  if ((haystack.match(/!/g)?.length ?? 0) >= 4) {
    score += 1;
    hits.push('exclamation-marks +1');
  }
  const spam = score >= BUILTIN_SPAM_THRESHOLD;
  const why = hits.length ? notice('mailStage.spamRules', { score, threshold: BUILTIN_SPAM_THRESHOLD, rules: hits.join(', ') }) : notice('mailStage.spamNoRule');
  return verdict({ engine: 'builtin', score, threshold: BUILTIN_SPAM_THRESHOLD, spam, notices: [why] });
}

const rspamdAnswer = z.object({
  score: z.number(),
  required_score: z.number().optional(),
  action: z.string(),
  symbols: z.record(z.string(), z.object({ score: z.number().optional() }).loose()).optional(),
});

/** Actions that mean rspamd considers the message spam (greylist and no action do not). */
const SPAM_ACTIONS = new Set(['reject', 'rewrite subject', 'add header', 'soft reject']);

/**
 * Asks rspamd (its normal worker's HTTP protocol, `POST /checkv2` with the raw message) for a score.
 * Throws when rspamd cannot be reached or answers something else (the caller falls back to the built-in rules).
 */
export async function rspamdScore(baseUrl: string, raw: Buffer, envelope: { from: string; to: string[]; ip?: string | null }): Promise<SpamVerdict> {
  const headers: Record<string, string> = { 'content-type': 'message/rfc822' };
  if (envelope.from) headers.From = envelope.from;
  if (envelope.to[0]) headers.Rcpt = envelope.to[0];
  if (envelope.ip) headers.IP = envelope.ip;
  const response = await fetch(new URL('/checkv2', baseUrl), { method: 'POST', headers, body: new Uint8Array(raw), signal: AbortSignal.timeout(RSPAMD_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`rspamd answered HTTP ${response.status}`);
  const parsed = rspamdAnswer.safeParse(await response.json());
  if (!parsed.success) throw new Error(`rspamd's answer was not understood: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { score, action, symbols } = parsed.data;
  const threshold = parsed.data.required_score ?? 15;
  const top = Object.entries(symbols ?? {})
    .filter(([, symbol]) => (symbol.score ?? 0) > 0)
    .sort((a, b) => (b[1].score ?? 0) - (a[1].score ?? 0))
    .slice(0, 5)
    .map(([name, symbol]) => `${name} ${symbol.score}`);
  const notices = [notice('mailStage.spamRspamd', { action: action.slice(0, 40), score, threshold }), ...(top.length ? [notice('mailStage.spamRspamdSymbols', { symbols: top.join(', ').slice(0, 500) })] : [])];
  return verdict({ engine: 'rspamd', score, threshold, spam: SPAM_ACTIONS.has(action), notices });
}
