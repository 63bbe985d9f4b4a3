import type { Json, DefaultNow } from '../../db/column-types.js';

export const CONVERSATION_STATES = ['gathering', 'ready', 'building', 'delivered', 'abandoned'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
export const CONVERSATION_CHANNELS = ['web', 'email', 'api', 'mcp'] as const;
export type ConversationChannel = (typeof CONVERSATION_CHANNELS)[number];

export interface ConversationsTable {
  id: string;
  org_id: string;
  user_id: string;
  channel: ConversationChannel;
  state: ConversationState;
  title: string;
  spec: Json<Record<string, unknown>>;
  missing: string[];
  language: string;
  request_id: string | null;
  mail_token: string;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface ConversationMessagesTable {
  id: string;
  conversation_id: string;
  org_id: string;
  position: number;
  role: 'user' | 'assistant';
  text: string;
  language: string;
  spec: Json<Record<string, unknown>> | null;
  actions: Json<unknown[]>;
  details: Json<Record<string, unknown>>;
  created_at: DefaultNow;
}

export interface ConversationMailIdsTable {
  message_id: string;
  conversation_id: string;
  org_id: string;
  direction: 'in' | 'out';
  created_at: DefaultNow;
}

/** The tables module conversations owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface ConversationsTables {
  conversations: ConversationsTable;
  conversation_messages: ConversationMessagesTable;
  conversation_mail_ids: ConversationMailIdsTable;
}
