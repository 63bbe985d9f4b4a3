import type { Generated } from 'kysely';
import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export interface IncomingMailTable {
  message_id: string;
  raw: Buffer;
  envelope_from: string;
  envelope_to: string[];
  state: 'stored' | 'processing' | 'done';
  outcome: string | null;
  org_id: string | null;
  conversation_id: string | null;
  attempts: Generated<number>;
  received_at: DefaultNow;
  processed_at: Timestamp | null;
}

export interface MailSenderRepliesTable {
  address: string;
  kind: string;
  last_at: Timestamp;
}

/** The tables module mail-intake owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface MailIntakeTables {
  incoming_mail: IncomingMailTable;
  mail_sender_replies: MailSenderRepliesTable;
}
