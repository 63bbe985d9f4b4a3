/** An IANA zone name as written ("Europe/Warsaw", "America/New_York"); validated with Intl afterwards. */
export const IANA_ZONE = /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?(?:[+-]\d{1,2})?\b/;

/** Abbreviations and city phrases people use, to the zone a scheduler understands. Case-sensitive abbreviations. */
export const ZONE_ABBREVIATIONS: [RegExp, string][] = [
  [/\bUTC\b/, 'UTC'],
  [/\bGMT\b/, 'UTC'],
  [/\bCES?T\b/, 'CET'],
  [/\bEES?T\b/, 'EET'],
  [/\bWES?T\b/, 'WET'],
  [/\bBST\b/, 'Europe/London'],
  [/\bE[SD]T\b/, 'America/New_York'],
  [/\bC[SD]T\b/, 'America/Chicago'],
  [/\bM[SD]T\b/, 'America/Denver'],
  [/\bP[SD]T\b/, 'America/Los_Angeles'],
];

/** Phrases on folded text. */
export const ZONE_PHRASES: [RegExp, string][] = [
  [/\b(?:warsaw|polish|poland)\s+time\b|\bczasu\s+(?:polskiego|warszawskiego)\b|\b(?:polskiego|warszawskiego)\s+czasu\b|\bczas\s+polski\b/, 'Europe/Warsaw'],
  [/\blondon\s+time\b|\bczasu\s+londynskiego\b/, 'Europe/London'],
  [/\bnew\s+york\s+time\b/, 'America/New_York'],
  [/\bberlin\s+time\b/, 'Europe/Berlin'],
];
