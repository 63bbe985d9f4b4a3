import type { DefaultNow } from '../../db/column-types.js';

/** An organisation's own wording of one mail kind in one language (absent: the built-in default). */
export interface MailTemplatesTable {
  org_id: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
  version: number;
  updated_by: string | null;
  updated_at: DefaultNow;
}

/** Every change of a template: `put` (new wording) or `reset` (back to the default), who and when. */
export interface MailTemplateVersionsTable {
  id: string;
  org_id: string;
  kind: string;
  language: string;
  version: number;
  action: 'put' | 'reset';
  subject: string | null;
  body: string | null;
  changed_by: string | null;
  changed_at: DefaultNow;
}

/** One message the server sent, or refused to send (`blocked`, with the compliance code and words). */
export interface OutgoingMailTable {
  id: string;
  org_id: string | null;
  kind: string;
  language: string;
  message_id: string;
  subject: string;
  state: 'sent' | 'blocked' | 'failed';
  block_code: string | null;
  block_reason: string | null;
  /** The app inbox's `out` message this mail is, when it is one. */
  inbox_message_id: string | null;
  created_at: DefaultNow;
}

/**
 * What became of one recipient: the SMTP answer (`accepted`, `refused`, `failed`), then a DSN
 * (`bounced`, `delayed`, `delivered`) matched by the signed return path naming this row (return-path.ts).
 * `token` is the return path of mail sent before decision 0046 (`+bounce-<token>`); new rows keep a
 * random one that is never sent.
 */
export interface OutgoingMailRecipientsTable {
  id: string;
  mail_id: string;
  org_id: string | null;
  address: string;
  token: string;
  state: 'pending' | 'accepted' | 'refused' | 'failed' | 'blocked' | 'bounced' | 'delayed' | 'delivered';
  smtp_code: number | null;
  smtp_response: string | null;
  dsn_action: string | null;
  dsn_status: string | null;
  diagnostic: string | null;
  updated_at: DefaultNow;
}

/** The server's key for return-path tags (one row, id 1). */
export interface MailReturnPathKeysTable {
  id: number;
  key: string;
  created_at: DefaultNow;
}

/** The tables module outgoing-mail owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface OutgoingMailTables {
  mail_templates: MailTemplatesTable;
  mail_template_versions: MailTemplateVersionsTable;
  outgoing_mail: OutgoingMailTable;
  outgoing_mail_recipients: OutgoingMailRecipientsTable;
  mail_return_path_keys: MailReturnPathKeysTable;
}
