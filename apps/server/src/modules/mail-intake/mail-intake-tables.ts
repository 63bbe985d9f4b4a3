import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;

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

export interface MailIntakeTables {
  mail_sender_confirmations: MailSenderConfirmationsTable;
}
