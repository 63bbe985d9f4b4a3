import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isAppError } from './app-error.js';

/** RFC 9457 problem details, with our stable `code` and the request id to quote to support. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://marketplace.local/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Fastify's own error codes that are the client's fault, mapped to a code and an actionable message. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; detail: (e: FastifyError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', detail: () => 'The request body is larger than this server accepts; send a smaller body.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: (e) => `${e.message}. Send JSON with "Content-Type: application/json".` },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', detail: () => 'The body is empty but Content-Type says JSON; send a JSON object or drop the header.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', detail: () => 'Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', detail: (e) => `The body is not valid JSON (${e.message}).` },
  FST_ERR_VALIDATION: { status: 400, code: 'VALIDATION_FAILED', detail: (e) => e.message },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', detail: () => 'The URL is malformed.' },
  FST_CSRF_INVALID_TOKEN: { status: 403, code: 'CSRF_INVALID', detail: () => 'The CSRF token is wrong: send the X-CSRF-Token header from GET /api/v1/auth/csrf.' },
  FST_CSRF_MISSING_SECRET: { status: 403, code: 'CSRF_INVALID', detail: () => 'The CSRF cookie is missing: fetch GET /api/v1/auth/csrf first, then send its token as X-CSRF-Token.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', detail: (e) => e.message },
};

/**
 * The shape every package's error class shares (ReleaseError, GeneratorError, SpecEngineError,
 * MailError, LlmError, DatabaseError): a stable string `code` and an HTTP status hint. Packages keep
 * their own codes and never import the server; this is the one place they become problem+json.
 */
export interface CodedError extends Error {
  code: string;
  httpStatus: number;
}

export function isCodedError(error: unknown): error is CodedError {
  if (!(error instanceof Error)) return false;
  const { code, httpStatus } = error as Partial<CodedError>;
  return typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(code) && Number.isInteger(httpStatus) && httpStatus! >= 400 && httpStatus! <= 599;
}

export function toProblem(error: unknown, request: Pick<FastifyRequest, 'url' | 'id'>): { problem: Problem; headers: Record<string, string> } {
  const base = { instance: request.url.split('?')[0], requestId: request.id };
  if (isAppError(error)) {
    return { problem: problem(error.status, error.code, error.message, { ...base, ...(error.details ?? {}) }), headers: error.headers ?? {} };
  }
  if (isCodedError(error)) {
    // A server-side failure's message may name files or hosts: the client gets the code and the request id.
    const detail = error.httpStatus >= 500 ? `${error.name} ${error.code}: the server could not finish this request. Quote request id ${request.id} when you report it.` : error.message;
    return { problem: problem(error.httpStatus, error.code, detail, base), headers: {} };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`,
      message: v.message ?? 'invalid',
    }));
    const summary = errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ');
    return { problem: problem(400, 'VALIDATION_FAILED', `The request is invalid — ${summary}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}.`, { ...base, errors }), headers: {} };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError?.code && FASTIFY_CLIENT_ERRORS[fastifyError.code]) {
    const known = FASTIFY_CLIENT_ERRORS[fastifyError.code]!;
    return { problem: problem(known.status, known.code, known.detail(fastifyError), base), headers: {} };
  }
  if (fastifyError?.statusCode === 429) {
    return { problem: problem(429, 'RATE_LIMITED', fastifyError.message || 'Too many requests; slow down and retry later.', base), headers: {} };
  }
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 && !isResponseSerializationError(error)) {
    return { problem: problem(fastifyError.statusCode, 'BAD_REQUEST', fastifyError.message, base), headers: {} };
  }
  return {
    problem: problem(500, 'INTERNAL', `Something went wrong on our side. Quote request id ${request.id} when you report it.`, base),
    headers: {},
  };
}

export function sendProblem(reply: FastifyReply, value: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.status(value.status).headers(headers).type('application/problem+json').send(value);
}
