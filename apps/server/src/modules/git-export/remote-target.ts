import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { isMetadataOrLinkLocal } from '../approvals/reach-policy.js';
import { isAllowedAddress } from '../webhooks/webhook-target.js';
import { GitExportError } from './git-export-error.js';

const MAX_URL_LENGTH = 500;
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
const defaultPort = (url: URL) => Number(url.port || { 'https:': 443, 'http:': 80, 'ssh:': 22 }[url.protocol] || 0);

function refused(host: string, allowPrivate: boolean, what: string): GitExportError {
  return new GitExportError(
    'GIT_PUSH_TARGET_REFUSED',
    422,
    allowPrivate
      ? `${what} is never reached on a link-local or cloud-metadata address (${host}).`
      : `${what} is not reached on loopback, private or link-local addresses (${host}); use a public address, or set GIT_PUSH_ALLOW_PRIVATE_TARGETS=true to allow servers on your own network.`,
  );
}

/**
 * Checks a URL an admin saves for a Git remote, GitLab or Jira — the webhooks' private-target rule:
 * one of `protocols` (plain http:// only with `allowPrivate`), no credentials in it, and a host that is
 * not a refused address or local name. Names are resolved again before every use (`resolveTarget`).
 */
export function checkTargetUrl(raw: string, options: { protocols: string[]; allowPrivate: boolean; what: string; example: string }): URL {
  const { allowPrivate, what } = options;
  const invalid = (message: string) => new GitExportError('GIT_REMOTE_INVALID', 422, message);
  if (raw.length > MAX_URL_LENGTH) throw invalid(`The ${what} URL is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are accepted.`);
  if (!URL.canParse(raw)) throw invalid(`The ${what} URL cannot be read; give a full URL such as ${options.example}.`);
  const url = new URL(raw);
  const protocols = options.protocols.filter((p) => p !== 'http:' || allowPrivate);
  if (!protocols.includes(url.protocol)) throw invalid(`The ${what} URL must start with ${protocols.map((p) => `${p}//`).join(' or ')}; got '${url.protocol}//'${options.protocols.includes('http:') && !allowPrivate ? ' (http:// only with GIT_PUSH_ALLOW_PRIVATE_TARGETS=true)' : ''}.`);
  if (url.password || (url.username && url.protocol !== 'ssh:')) throw invalid(`Remove the user name and password from the ${what} URL: give the credentials in their own fields, where they are stored encrypted.`);
  if (url.protocol === 'ssh:' && !url.username) throw invalid(`An SSH remote names its user, as in ${options.example}.`);
  if (url.search || url.hash) throw invalid(`The ${what} URL may not have a query or fragment.`);
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    if (!isAllowedAddress(host, allowPrivate)) throw refused(host, allowPrivate, `The ${what}`);
  } else if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
    throw refused(host, allowPrivate, `The ${what}`);
  } else if (isMetadataOrLinkLocal(host)) {
    throw refused(host, false, `The ${what}`);
  }
  return url;
}

/** A host resolved just before use: the address to connect to, checked against the same rule. */
export interface ResolvedTarget {
  host: string;
  port: number;
  address: string;
}

/** Resolves the URL's host and keeps the first allowed address; none allowed is GIT_PUSH_TARGET_REFUSED (a name that moved to a private address after it was saved). */
export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  const host = hostOf(url);
  let addresses: { address: string }[];
  try {
    addresses = ipaddr.isValid(host) ? [{ address: host }] : await lookup(host, { all: true });
  } catch (error) {
    throw new GitExportError('GIT_PUSH_FAILED', 502, `The name ${host} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? 'DNS error'}).`, { cause: error });
  }
  const usable = addresses.find((entry) => isAllowedAddress(entry.address, allowPrivate));
  if (!usable) throw refused(host, allowPrivate, `The server ${host}`);
  return { host, port: defaultPort(url), address: usable.address };
}
