import type { HubLimits } from './hub-session-policy.js';
import type { StoredMail } from './mail-hub.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The hub's settings that cross into its thread (plain data; the functions stay in the parent). */
export interface HubThreadSettings {
  dataDir: string;
  host?: string | undefined;
  port?: number | undefined;
  maxMessageBytes?: number | undefined;
  limits?: Partial<HubLimits> | undefined;
  greetingDelayMs?: number | undefined;
  fsync?: boolean | undefined;
  maxClients?: number | undefined;
  tmpMaxAgeMs?: number | undefined;
  /** Recipients the thread takes without asking the parent: these addresses, and `local+tag@domain` of those in `withTags`. */
  servedLocally: { addresses: string[]; withTags: string[] };
  /** Whether the parent has an accept() to ask for other recipients (without one every safe address is taken). */
  asksAccept: boolean;
  /** How long the thread keeps a recipient accept() took, unless the parent forgets it first (0: asks at every RCPT TO). */
  acceptedForMs: number;
  /** Whether the parent has a record() to await before the 250 (the parent then runs onStored() after it, unasked). */
  asksRecord: boolean;
  /** When set, record() is asked only for mail from or to these addresses (and `local+tag@domain` of those in `withTags`); other mail is told as stored. */
  recordsOnlyFor: { addresses: string[]; withTags: string[] } | null;
  /** Whether the thread tells the parent of mail it did not record (the parent runs onStored() itself after a record()). */
  tellsStored: boolean;
  /** Lines below this level are not sent to the parent's logger (they would be dropped there). */
  logLevel: LogLevel;
}

export type ThreadToParent =
  | { type: 'listening'; host: string; port: number }
  | { type: 'start-failed'; message: string; code: string | undefined }
  | { type: 'accept'; id: number; recipient: string }
  | { type: 'record'; id: number; stored: StoredMail }
  | { type: 'stored'; stored: StoredMail }
  | { type: 'log'; level: LogLevel; fields: Record<string, unknown>; message: string | undefined }
  | { type: 'closed' };

export type ParentToThread =
  | { type: 'answer'; id: number; value?: unknown; error?: string }
  | { type: 'forget'; address: string }
  | { type: 'close' }
  /** Only crashMailHubThreadForTests sends it: the thread throws an uncaught error, as a bug in a session would. */
  | { type: 'crash'; message: string };
