import type { AppKind } from '../../app-spec.js';

export interface KindRule {
  kind: AppKind;
  pattern: RegExp;
  weight: number;
  /** The word names the kind of app itself ("form", "dashboard"), so it may change a kind later on. */
  explicit: boolean;
}

/**
 * Words that point at a kind of app, English and Polish, on folded text. A word that names the
 * kind itself counts double (EXPLICIT_FACTOR): "a dashboard of our CSV exports" is a dashboard.
 * A kind is decided when its score reaches KIND_DECIDED; ties go to the kind mentioned first.
 */
export const KIND_RULES: KindRule[] = [
  // api-service
  { kind: 'api-service', pattern: /\b(?:rest(?:ful)?\s+)?api\b/g, weight: 3, explicit: true },
  { kind: 'api-service', pattern: /\bendpoint\w*/g, weight: 3, explicit: true },
  { kind: 'api-service', pattern: /\b(?:rest|crud|graphql|backend|microservice\w*|mikroserwis\w*|web\s*service\w*)\b/g, weight: 2, explicit: true },
  { kind: 'api-service', pattern: /\b(?:uslug\w*\s+(?:rest|sieciow\w*)|serwis\w*\s+rest)\b/g, weight: 2, explicit: true },
  { kind: 'api-service', pattern: /\b(?:json|http|integrat\w*|integracj\w*)\b/g, weight: 1, explicit: false },
  { kind: 'api-service', pattern: /\b(?:rejestr(?!acj)\w*|ewidencj\w*|katalog\w*|inventory|registry|database|baz\w*\s+danych)\b/g, weight: 3, explicit: false },
  { kind: 'api-service', pattern: /\b(?:manage|managing|zarzadza\w*)\b/g, weight: 1, explicit: false },
  { kind: 'api-service', pattern: /\b(?:track\w*|sledz\w*)\b/g, weight: 2, explicit: false },
  // web-dashboard
  { kind: 'web-dashboard', pattern: /\bdashboard\w*/g, weight: 3, explicit: true },
  { kind: 'web-dashboard', pattern: /\b(?:pulpit\w*|panel\w*|calendar\s+view|calendar|kalendarz\w*)\b/g, weight: 3, explicit: true },
  { kind: 'web-dashboard', pattern: /\b(?:charts?|graphs?|wykres\w*|kpis?|visuali[sz]\w*|wizualizac\w*|wizualizuj\w*|leaderboard\w*|heat\s*map\w*)\b/g, weight: 2, explicit: false },
  { kind: 'web-dashboard', pattern: /\b(?:metrics?|monitoring|overview|podglad\w*|wyswietl\w*|show\w*|display\w*)\b/g, weight: 1, explicit: false },
  // form-app
  { kind: 'form-app', pattern: /\b(?:forms?|formularz\w*|survey\w*|ankiet\w*|questionnaire\w*|kwestionariusz\w*)\b/g, weight: 3, explicit: true },
  { kind: 'form-app', pattern: /\b(?:sign[\s-]?ups?|registration\w*|zgloszen\w*|zglasza\w*|zglos\w*|wnios\w*|submi(?:t|ts|tting|ssions?)|zapis(?:y|ow)\s+na|check-?in)\b/g, weight: 2, explicit: false },
  { kind: 'form-app', pattern: /\b(?:booking\w*|rezerwac\w*|feedback|requests?|register|rejestracj\w*|fill\s+in|wypelni\w*)\b/g, weight: 1, explicit: false },
  // automation
  { kind: 'automation', pattern: /\b(?:automat\w*|bot|workflow\w*)\b/g, weight: 3, explicit: true },
  { kind: 'automation', pattern: /\b(?:remind\w*|przypomn\w*|przypomin\w*|notif\w*|powiadom\w*|alert\w*|send\s+(?:me|us)|e-?mail\s+(?:me|us)|wysy?l\w*\s+(?:mi|nam)|wysylaj\w*|cron|post\s+(?:it\s+|them\s+)?(?:to|on)\s+(?:slack|teams))\b/g, weight: 2, explicit: false },
  { kind: 'automation', pattern: /\b(?:monitor\w*|watch\w*|check\w*|sprawdz\w*|schedul\w*|harmonogram\w*|sync\w*|synchroniz\w*|backup\w*|kopi\w*\s+zapasow\w*)\b/g, weight: 1, explicit: false },
  // data-tool
  { kind: 'data-tool', pattern: /\b(?:data\s+tool|narzedzi\w*\s+do\s+(?:danych|raportow\w*)|etl)\b/g, weight: 3, explicit: true },
  { kind: 'data-tool', pattern: /\b(?:aggregat\w*|agregac\w*|agreguj\w*|zagreguj\w*)\b/g, weight: 3, explicit: false },
  { kind: 'data-tool', pattern: /\b(?:reports?|raport\w*|zestawieni\w*)\b/g, weight: 2, explicit: false },
  { kind: 'data-tool', pattern: /\b(?:csv|excel\w*|xlsx|spreadsheet\w*|arkusz\w*|pivot\w*|statysty\w*|statistics|analy[sz]\w*|analiz\w*|transform\w*|przeksztalc\w*|convert\w*|konwert\w*|merge\w*|scal\w*|polacz\w*|deduplic\w*|sum\s+up|sumuj\w*|zsumuj\w*|podsumuj\w*)\b/g, weight: 2, explicit: false },
  { kind: 'data-tool', pattern: /\b(?:import\w*|export\w*|eksport\w*|summar\w*|podsumowan\w*|clean\w*|oczysc\w*|calculat\w*|comput\w*|policz\w*|oblicz\w*|z\s+pliku|from\s+(?:the\s+|a\s+)?file)\b/g, weight: 1, explicit: false },
];

/** Phrases that contain kind words but say nothing about the kind ("API key", "from the API"). */
export const KIND_NOISE: RegExp[] = [
  /\b(?:api|access)\s+(?:keys?|tokens?)\b/g,
  /\bklucz\w*\s+(?:api|dostepu)\b/g,
  /\b(?:from|pulls?\s+from|reads?\s+from|fetch\w*\s+from|z|ze|pobier\w*\s+z)\s+(?:the\s+|an\s+|our\s+|a\s+)?(?:\w+\s+)?(?:api|json\s+endpoint|rest\s+api)\b/g,
  /\b(?:information|format\w*|platform\w*|informacj\w*)\b/g,
];

/** How much more a word naming the kind counts than a word merely pointing at it. */
export const EXPLICIT_FACTOR = 2;

/** Minimum score for a kind to count as decided. */
export const KIND_DECIDED = 3;
