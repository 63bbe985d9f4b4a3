/**
 * Why a deployment is in its state, as the agent reports it: a stable code, the English sentence (for
 * logs, the CLI and API users), and the same sentence as notices (a code and its parameters, in order)
 * that the marketplace words in the reader's language. The server lists the notice codes
 * (apps/server/src/http/notice.ts) and each one's sentences (@marketplace/spec notice-sentences).
 */
export interface ReasonNotice {
  code: string;
  params: Record<string, string | number>;
}

export interface Reason {
  code: string;
  message: string;
  notices?: ReasonNotice[];
}

const MAX_MESSAGE = 2000;
/** What the server keeps of one parameter. */
const MAX_PARAM = 500;
/** What the server takes per reason. */
const MAX_NOTICES = 4;

const param = (value: string | number) => (typeof value === 'string' ? value.slice(0, MAX_PARAM) : value);

export const notice = (code: string, params: Record<string, string | number> = {}): ReasonNotice => ({ code, params: Object.fromEntries(Object.entries(params).map(([key, value]) => [key, param(value)])) });

export function reason(code: string, message: string, ...notices: (ReasonNotice | undefined)[]): Reason {
  const list = notices.filter((entry): entry is ReasonNotice => !!entry).slice(0, MAX_NOTICES);
  return { code, message: message.slice(0, MAX_MESSAGE), ...(list.length ? { notices: list } : {}) };
}

/** The reason with one more sentence after it (and its notices after the reason's own). */
export function extendReason(base: Reason, message: string, ...notices: (ReasonNotice | undefined)[]): Reason {
  return reason(base.code, `${base.message} ${message}`.trim(), ...(base.notices ?? []), ...notices);
}

/** A release the agent refused (its signature, hash, delivery, policy …): the code says which check. */
export const refusedRelease = (code: string, message: string): Reason => reason(code, message, notice('deployment.releaseRefused', { code }));
