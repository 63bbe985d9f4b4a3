import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export interface IncomingMailTable {
  /** Surrogate key for the admin routes (the Message-ID is the dedup key). */
  id: Generated<string>;
  message_id: string;
  /** The message as it arrived, for mail taken from an IMAP service mailbox; null when the hub's Maildir copy (raw_path) is the raw copy. */
  raw: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** `<mailbox>/<file name>` under DATA_DIR/mail: the hub's fsynced copy (in cur/ once recorded, new/ before), read with readIncomingMailRaw. */
  raw_path: ColumnType<string | null, string | null | undefined, string | null>;
  /** Which DATA_DIR/mail holds raw_path (mail-store-id.ts): only processes that see it claim the row. */
  raw_store: ColumnType<string | null, string | null | undefined, string | null>;
  /** Bytes of the message (the hub's copy includes its envelope lines). */
  size: ColumnType<number | null, number | null | undefined, number | null>;
  envelope_from: string;
  envelope_to: string[];
  /** stored → processing (leased) → done, or quarantined (never retried until an admin releases it). */
  state: 'stored' | 'processing' | 'done' | 'quarantined';
  /** `answered`, `ignored:<why>`, `status-report`, `quarantined`, … (see mail-conversations.ts). */
  outcome: string | null;
  /** Why it was quarantined (an error code and a short text without message content). */
  reason: Generated<string | null>;
  client_address: Generated<string | null>;
  /** A claim in processing holds until then (the sweep takes it over afterwards); a message given back for a retry waits until then. */
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  org_id: string | null;
  conversation_id: string | null;
  attempts: Generated<number>;
  /** Passing failures (database connection, serialization) after which it was given back with a growing backoff. */
  retries: Generated<number>;
  received_at: DefaultNow;
  processed_at: Timestamp | null;
}

export interface MailSenderRepliesTable {
  address: string;
  kind: string;
  last_at: Timestamp;
}

/**
 * A first mail from an address that is not proven yet (no DKIM pass, no reply address the server
 * issued): it waits here until its user confirms it, signed in or by replying to `marketplace+<token>@…`.
 */
export interface MailSenderConfirmationsTable {
  id: string;
  org_id: string;
  user_id: string;
  /** The From address the confirmation was mailed to; only a reply from it confirms. */
  address: string;
  /** The incoming mail (Message-ID) that waits for the confirmation. */
  message_id: string;
  token: string;
  created_at: DefaultNow;
  expires_at: Timestamp;
  confirmed_at: Timestamp | null;
  conversation_id: string | null;
}

/** One message the embedded mail hub stored for one recipient (see hub-messages.ts). */
export interface MailHubMessagesTable {
  recipient: string;
  message_id: string;
  stored_at: DefaultNow;
}

/** The tables module mail-intake owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface MailIntakeTables {
  incoming_mail: IncomingMailTable;
  mail_sender_replies: MailSenderRepliesTable;
  mail_sender_confirmations: MailSenderConfirmationsTable;
  mail_hub_messages: MailHubMessagesTable;
}
