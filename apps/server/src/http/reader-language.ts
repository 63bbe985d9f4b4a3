import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';
import { LANGUAGE_COOKIE } from '@marketplace/spec/web-language';

/**
 * The language the reader sees the web UI in, of `languages`: the one they last saw (the UI's cookie), else
 * the best of their browser's (Accept-Language); undefined when the request says neither.
 */
export function readerLanguage(request: FastifyRequest, languages: readonly string[]): string | undefined {
  const saved = request.cookies?.[LANGUAGE_COOKIE];
  if (saved && languages.includes(saved)) return saved;
  const accepted = request.headers['accept-language'];
  return accepted ? new Negotiator({ headers: { 'accept-language': accepted } }).language([...languages]) : undefined;
}
