/**
 * The cookie the web UI sets to the language it shows, and the server reads to send that language's
 * page (`index.<language>.html`, its words preloaded). Not a secret: the language shown.
 */
export const LANGUAGE_COOKIE = 'mp_language';
