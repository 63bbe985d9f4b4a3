import type { Generated } from 'kysely';
import type { DefaultNow, Json, Timestamp } from '../../db/column-types.js';

export const CAMPAIGN_LANGUAGES = ['en', 'pl'] as const;
export type CampaignLanguage = (typeof CAMPAIGN_LANGUAGES)[number];
export const CAMPAIGN_STATES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export const RECIPIENT_STATES = ['pending', 'sending', 'sent', 'bounced', 'failed'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** Who the owner chose; resolved to users when the campaign is created (the recipients table is the list). */
export interface CampaignAudience {
  groupIds?: string[];
  everyone?: boolean;
  emails?: string[];
}

/** One announcement of one app version to an audience (module campaigns). */
export interface CampaignsTable {
  id: string;
  org_id: string;
  app_id: string;
  version_id: string;
  audience: Json<CampaignAudience>;
  install_now: boolean;
  state: CampaignState;
  scheduled_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** The announcement in one language: the built-in draft until the owner edits it. */
export interface CampaignDraftsTable {
  campaign_id: string;
  language: CampaignLanguage;
  subject: string;
  body: string;
  edited: Generated<boolean>;
  updated_at: DefaultNow;
}

/** One person the campaign mails: one Message-ID, claimed before sending so a restart never mails twice. */
export interface CampaignRecipientsTable {
  id: string;
  campaign_id: string;
  org_id: string;
  user_id: string;
  email: string;
  language: CampaignLanguage;
  state: RecipientState;
  message_id: string | null;
  error: string | null;
  sent_at: Timestamp | null;
  bounced_at: Timestamp | null;
  /** The DSN's status code (e.g. 5.1.1) and diagnostic, shortened. */
  bounce_reason: string | null;
}

/** A release delivery the campaign's "install now" queued: installs and health are counted through it. */
export interface CampaignDeliveriesTable {
  delivery_id: string;
  campaign_id: string;
  created_at: DefaultNow;
}

/** The tables module campaigns owns; composition/database-schema.ts joins them into DB. */
export interface CampaignsTables {
  campaigns: CampaignsTable;
  campaign_drafts: CampaignDraftsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_deliveries: CampaignDeliveriesTable;
}
