import { notice, type Notice } from '../../http/notice.js';
import { noticesSentence } from '../../http/notice-sentence.js';
import { wordPattern } from './word-pattern.js';

/** What a message is about, as the inbound pipeline sorts it. */
export const MAIL_CLASSES = ['app-request', 'follow-up', 'feedback', 'bug-report', 'question', 'auto-reply', 'other'] as const;
export type MailClass = (typeof MAIL_CLASSES)[number];

export interface ClassInput {
  subject: string;
  /** The new text of the message (quotes and signature removed). */
  text: string;
  /** classifyIncoming's verdict (bounce, auto-reply, list, normal) and the header that decided. */
  automatic: { kind: string; reason: string };
  /** The message answers one of the marketplace's own messages (conversation, release, inbox reply). */
  answersOurs: boolean;
  /** An app of the organisation is named in it or the thread it answers. */
  appNamed: boolean;
  /** The sender runs at least one of the organisation's apps (so "the booking app" means one of them). */
  runsApps?: boolean;
}

export interface ClassVerdict {
  result: MailClass;
  /** Why, as notices (the UI words them); `reason` is their English sentence. */
  notices: Notice[];
  reason: string;
}

/** A cue's name is a word of the catalogs (`words.mail.cues`); a Polish variant of a cue has its name. */
type Cue = { name: string; test: RegExp };
// Each list matches lower-case text in English and Polish (Polish stems, so inflected forms match too).
const BUG: Cue[] = [
  { name: 'crash', test: wordPattern(String.raw`\b(crash\w*|freez\w*|hangs?|zawiesza\w*|wywala\w*|wysypuje|sypie się|crashuje)\b`)},
  { name: 'error', test: wordPattern(String.raw`\b(errors?|exception|stack ?trace|błąd\w*|błęd\w*|wyjąt\w*|http 500|status 500|500 error)\b`)},
  { name: 'not-working', test: wordPattern(String.raw`(does ?n[o']t work|doesn't work|not working|stopped working|is broken|broken|nie działa\w*|przestał\w* działać|zepsu\w*|nie ładuje|nie otwiera)`)},
  { name: 'cannot', test: wordPattern(String.raw`\b(can(no|')t (save|open|log ?in|submit|upload|export|see)|unable to|nie (mogę|można|da się) (zapisać|otworzyć|zalogować|wysłać|wgrać|wyeksportować)|nie zapisuje)`)},
  { name: 'wrong-result', test: wordPattern(String.raw`\b(shows? (the )?wrong|wrong (total|date|value|number)|blank page|empty page|pusta strona|zł\w* (wynik|suma|data)|nieprawidłow\w*|źle (liczy|pokazuje|wyświetla))`)},
  { name: 'bug', test: wordPattern(String.raw`\b(bug|bugs|usterk\w*|awari\w*|problem z)\b`)},
];
const FOLLOW_UP: Cue[] = [
  { name: 'status-ask', test: wordPattern(String.raw`\b(any (news|update)s?|status of my|what('s| is) the status|follow(ing)?[- ]up|checking in|is it (ready|done) yet|how is my (request|app)|still waiting)\b`)},
  { name: 'status-ask', test: wordPattern(String.raw`(jakieś (wieści|informacje|postępy)|co z moją|czy (jest|są) już|przypominam się|ponawiam|nadal czekam|wciąż czekam|na jakim etapie)`)},
];
const REQUEST: Cue[] = [
  // "build a small CRUD app", "need a visitor log": up to three words may describe the tool after a/an/some; after
  // "the" only "new" (the sales report of "make the sales report show totals" is an app that exists)
  { name: 'build-ask', test: wordPattern(String.raw`\b(could|can|would) you (please )?(build|create|make|set up)\b|\b(please )?(build|create|make|set up) (me |us )?((an?|some) ([\p{L}\p{N}-]+ ){0,3}|the (new )?)(app|application|tool|form|tracker|dashboard|register|report|list|log|logbook|database|api)\b`)},
  { name: 'need-a-tool', test: wordPattern(String.raw`\b(i|we) (need|want|would like|'d like) (an?|some) ([\p{L}\p{N}-]+ ){0,3}(app|application|tool|form|tracker|dashboard|register|system|report|log|logbook|database|way to)\b`)},
  { name: 'build-ask', test: wordPattern(String.raw`(potrzebuj\w* (aplikacj\w*|narzędzi\w*|formularz\w*|system\w*|rejestr\w*|raport\w*|prost\w+)|(zbuduj|stwórz|zrób|przygotuj)\w* (mi |nam )?(proszę )?(aplikacj|narzędzi|formularz|rejestr|raport|system)|chciał\w* (mieć )?(aplikacj|narzędzi|formularz)|przydał\w* by się (aplikacja|narzędzie|formularz))`)},
];
const FEEDBACK: Cue[] = [
  { name: 'thanks', test: wordPattern(String.raw`\b(thanks|thank you|great job|love (it|the)|works (great|well|perfectly)|very useful|dzięki|dziękuj\w*|świetn\w*|super\b|fajn\w*|bardzo przydatn\w*|działa (świetnie|bez zarzutu|dobrze))`)},
  { name: 'suggestion', test: wordPattern(String.raw`\b(suggest\w*|it would be (nice|great|good|helpful)|would be (nice|great|helpful)|could (it|you) (also )?(add|export|show|support|sort|filter)|can it (also )?\w+|feature request|please add|wish it|sugesti\w*|propozycj\w*|byłoby (miło|dobrze|super|fajnie)|przydał\w* by się|(można|mógłby|mogłaby|dałoby się) (też |także )?(dodać|eksportować|pokazać|sortować|filtrować)|proszę (o )?doda\w*)`)},
];
const QUESTION: Cue[] = [
  { name: 'question-word', test: wordPattern(String.raw`^(how|what|where|when|which|who|why|is there|are there|can i|do you|does|is it possible)\b`)},
  { name: 'question-word', test: wordPattern(String.raw`^(jak|gdzie|kiedy|który|która|które|kto|dlaczego|czy|ile|co)\b`)},
];

/** The cues a reason names (their words: `words.mail.cues` of @marketplace/spec/notice-sentences); question cues are never named. */
export const REASON_CUES = [...new Set([...BUG, ...FOLLOW_UP, ...REQUEST, ...FEEDBACK].map((cue) => cue.name))];

/** "the booking app", "this tool", "aplikacja do rezerwacji": the message talks about an existing app without its name. */
const APP_REFERENCE = wordPattern(String.raw`\b(the|this|your|our|my) [\p{L}\p{N}_-]+ (app|tool|form)\b|\b(the|this) (app|tool)\b|\baplikacj\w* (do|od)\b|\bta aplikacj|\btej aplikacji`);
/** A reply's subject is its thread's ("Re: … crashes"): only the new text says what the reply is. */
const REPLY_SUBJECT = /^\s*(re|odp|aw|sv|fwd?|pd)\s*:/i;

const hits = (cues: Cue[], text: string) => [...new Set(cues.filter((cue) => cue.test.test(text)).map((cue) => cue.name))];
const because = (result: MailClass, code: Notice['code'], cues?: string[]): ClassVerdict => {
  const notices = [notice(code, cues ? { cues: cues.join(', ') } : {})];
  return { result, notices, reason: noticesSentence(notices) };
};

/**
 * The built-in classifier: machine mail by its headers (RFC 3834 and list headers), then cues in
 * English and Polish, in an order that settles mixed messages ("thanks, but it crashes" is a bug report).
 */
export function classifyMail(input: ClassInput): ClassVerdict {
  if (input.automatic.kind !== 'normal') {
    const notices = [notice('mailStage.automatic', { mailKind: input.automatic.kind, header: input.automatic.reason.slice(0, 200) })];
    return { result: 'auto-reply', notices, reason: noticesSentence(notices) };
  }
  const subject = REPLY_SUBJECT.test(input.subject) && input.text.trim() ? '' : input.subject;
  const text = `${subject}\n${input.text}`.toLowerCase();
  const aboutAnApp = input.appNamed || input.answersOurs || (Boolean(input.runsApps) && APP_REFERENCE.test(text));
  const sentences = text.split(/[\n.!]+/).map((s) => s.trim()).filter(Boolean);
  const bug = hits(BUG, text);
  const followUp = hits(FOLLOW_UP, text);
  const request = hits(REQUEST, text);
  const feedback = hits(FEEDBACK, text);
  const question = sentences.some((s) => s.endsWith('?') || hits(QUESTION, s).length > 0);
  if (followUp.length && !bug.length) return because('follow-up', 'mailStage.classFollowUp', followUp);
  if (bug.length && (input.appNamed || input.answersOurs || bug.length >= 2)) return because('bug-report', input.appNamed ? 'mailStage.classBugNamedApp' : 'mailStage.classBug', bug);
  if (request.length && !input.appNamed) return because('app-request', 'mailStage.classNewTool', request);
  if (feedback.length && aboutAnApp) return because('feedback', 'mailStage.classFeedback', feedback);
  if (request.length) return because('app-request', 'mailStage.classTool', request);
  if (bug.length) return because('bug-report', 'mailStage.classBugNoApp', bug);
  if (input.answersOurs && !question) return because('follow-up', 'mailStage.classAnswersOurs');
  if (question) return because('question', 'mailStage.classQuestion');
  if (feedback.length) return because('feedback', 'mailStage.classFeedbackNoApp', feedback);
  return because('other', 'mailStage.classNoRule');
}
