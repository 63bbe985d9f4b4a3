/**
 * Rules for where data comes from and where results go. Patterns run on folded text
 * (lower case, no diacritics) with URLs, addresses and paths masked out, English and Polish.
 */

/** A URL in the original text (http, https, and schemes we refuse so we can say why). */
export const URL_PATTERN = /\b(?:(?:https?|ftp|ftps|file|sftp|smb):\/\/|www\.)[^\s<>"'`\])}]+/gi;
export const EMAIL_PATTERN = /\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}\b/g;
/** A file path with a data-file extension, relative or not. */
export const FILE_PATH_PATTERN =
  /(?<![\w@¤/\\.-])((?:[A-Za-z]:[\\/]|\.{1,2}[\\/]|~[\\/]|[\\/])?(?:[\w.-]+[\\/])*[\w-][\w.-]*\.(?:csv|tsv|json|ndjson|xlsx?|txt|xml|log|parquet))(?![\w/\\-])/gi;
/** A path that escapes the data folder even without an extension ("../../etc/passwd", "/etc/shadow"). */
export const UNSAFE_PATH_PATTERN = /(?<![\w@¤.-])((?:[A-Za-z]:\\|\.\.[\\/]|~[\\/]|\/(?=[\w.-]+\/))[^\s"'`,;()]*)/g;

export const WEBHOOK_URL = /hooks\.slack\.com|webhook\.office\.com|outlook\.office\.com\/webhook|discord(?:app)?\.com\/api\/webhooks|\/webhooks?\b|\/hooks?\//i;
export const RSS_URL = /\.(?:rss|atom)(?:[?#]|$)|\.xml(?:[?#]|$)|\/(?:feed|feeds|rss|atom)(?:[/?#.]|$)|^https?:\/\/feeds?\./i;

/** Words just before a URL that make it a webhook (an output) rather than a source. */
export const WEBHOOK_CONTEXT = /(?:webhook\w*|slack\w*|teams|discord|post\w*(?:\s+\w+){0,3}\s+(?:to|on)|powiadom\w*|wysl\w*(?:\s+\w+){0,3}\s+na|publikuj\w*(?:\s+\w+){0,3}\s+na)\W*(?:\w+\W+){0,4}$/;
/** Words just before a URL that make it an RSS feed. */
export const RSS_CONTEXT = /(?:\brss\b|\bfeed\w*|\bkanal\w*|\batom\b)\W*(?:\w+\W+){0,4}$/;
/** Words just before a path that make it where results are written. */
export const FILE_OUTPUT_CONTEXT =
  /(?:\bsave\w*|\bwrite\w*|\bwrites\b|\bexport\w*|\boutput\w*|\bstore\w*|\bdump\w*|\bput\b|\bzapis\w*|\beksport\w*|\bwyeksportuj\w*|\bzrzuc\w*|\binto\b|\bdo\s+pliku\b)\W*(?:\w+\W+){0,4}$/;
/** The same output words, global, to find the last one before a path. */
export const FILE_OUTPUT_CONTEXT_WORD = /\b(?:save\w*|write\w*|(?<!\b(?:csv|our|the|an?|shared|nightly|daily|weekly|monthly|this|that|my|your|latest|last)\s)export\w*(?!\s+(?:at|in|on|is|file|lives|sits|located)\b)|output\w*|store\w*|dump\w*|put|zapis\w*|eksport\w*|wyeksportuj\w*|zrzuc\w*|into|do\s+pliku)\b/g;
/** Words that make a path something read, when they come after any output word ("from our CSV export at …"). */
export const SOURCE_CONTEXT_WORD = /\b(?:from|reads?|reading|load\w*|import\w*|based\s+on|over|of|using|uses?|z|ze|na\s+podstawie|czyta\w*|wczyt\w*|pobier\w*|uzyw\w*|korzyst\w*)\b/g;
/** Words just before an address that make it a sender, not a recipient. */
export const EMAIL_FROM_CONTEXT = /(?:\bfrom\b|\bsent\s+by\b|\bod\b|\bnadawc\w*)\W*(?:\w+\W+){0,2}$/;

/** Results go by e-mail to the requester (no address given). */
export const EMAIL_TO_ME = [
  /\b(?:e-?mailed|mailed|sent\s+(?:out\s+)?by\s+e-?mail|delivered\s+by\s+e-?mail)\b/,
  /\b(?:wysylan\w*|przesylan\w*|dostarczan\w*)\s+(?:(?:do\s+mnie|do\s+nas|mi|nam)\s+)?(?:e-?mailem|mailem|poczta)\b/,
  /\b(?:send|e-?mail|mail|forward)\s+(?:(?:it|them|this|that|the\s+\w+|a\s+\w+|an\s+\w+)\s+){0,2}(?:to\s+)?(?:me|us|my\s+team)\b/,
  /\bsend\s+(?:me|us|(?:the|our|my)\s+team)\b/,
  /\b(?:by|via|in\s+an?|as\s+an?)\s+e-?mail\b/,
  /\b(?:receive|get)\s+(?:an?\s+|the\s+)?(?:daily\s+|weekly\s+)?e-?mails?\b/,
  /\bwysl\w*\s+(?:(?:go|je|ja|to)\s+)?(?:mi|nam)\b/,
  /\bwysyl\w*\s+(?:(?:go|je|ja|to)\s+)?(?:mi|nam)\b/,
  /\b(?:wysl\w*|wysyl\w*|przesl\w*|przesyl\w*|dostarcz\w*|dostawa\w*|otrzymyw\w*|raport\w*)\b[^.;]{0,40}\b(?:e-?mailem|mailem|na\s+(?:maila|e-?mail|moj\s+e-?mail|skrzynke\s+mailowa))\b/,
];
/** A notification or reminder to the requester: by e-mail unless a chat webhook is named. */
export const NOTIFY_ME = [
  /\b(?:notify|remind|alert|ping)\s+(?:me|us)\b/,
  /\b(?:powiadom\w*|przypomin\w*|przypomn\w*)\s+(?:mnie|mi|nas|nam)\b/,
];
/** Results go to a chat webhook whose URL we still need. */
export const WEBHOOK_WORDS = /\b(?:webhook\w*|slack\w*|teams(?:ie|a)?|discord\w*)\b/;
/** Results are written to a file. */
export const FILE_OUTPUT_WORDS = [
  /\b(?:save|saves|saving|write|writes|writing|export|exports|exporting|store|stores|dump|dumps)\s+(?:(?:it|them|this|the\s+\w+|results?|a\s+\w+)\s+){0,2}(?:as|to|into|in)\s+(?:an?\s+)?(?:csv|excel|xlsx|json|pdf|file)\b/,
  /\bwrites?\s+(?:a|the|an)\s+(?:\w+\s+)?file\b/,
  /\b(?:to|into)\s+a\s+(?:csv\s+|excel\s+|json\s+)?file\b/,
  /\bzapis\w*\s+(?:(?:to|go|je|wynik\w*|raport\w*)\s+){0,2}(?:do|w|jako)\s+(?:pliku|csv|excel\w*|json)\b/,
  /\beksport\w*\s+(?:(?:to|go|je|wynik\w*|raport\w*)\s+){0,2}do\s+(?:pliku|csv|excel\w*|json)\b/,
  /\bjako\s+(?:plik\s+)?csv\b/,
  /\bdo\s+pliku\b/,
];
/** Results are shown on a dashboard (besides a dashboard app itself). */
export const DASHBOARD_OUTPUT_WORDS = /\b(?:on|in|to)\s+(?:a|the)\s+dashboard\b|\bna\s+(?:panelu|pulpicie|dashboardzie)\b/;

/** Data read from a mailbox. */
export const IMAP_WORDS = /\b(?:mailbox\w*|inbox\w*|imap|incoming\s+e-?mails?|skrzynk\w*|przychodzac\w*\s+(?:maili|maile|e-?maile|wiadomosci))\b/;
/** A CSV file is the source, but no path was given. */
export const CSV_SOURCE_WORDS = /\bcsv\b|\bspreadsheet\s+export\b/;
/** An RSS feed is the source, but no URL was given. */
export const RSS_SOURCE_WORDS = /\brss\b|\bnews\s*feed\b|\bkanal\w*\s+rss\b|\batom\s+feed\b/;
/** JSON data from an HTTP API is the source, but no URL was given. */
export const HTTP_SOURCE_WORDS = /\b(?:from|pulls?\s+from|reads?\s+from|fetch\w*\s+from|z|ze|pobier\w*\s+z)\s+(?:the\s+|an\s+|our\s+|a\s+)?(?:\w+\s+)?(?:api|json\s+endpoint|rest\s+api)\b/;
