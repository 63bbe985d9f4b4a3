import type { DefaultNow, Timestamp } from '../../db/column-types.js';

/** A user's token for reading the catalog's feeds (only its hash is stored); it grants nothing else. */
export interface FeedTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** The first characters after `mpf_`, so the owner can tell tokens apart. */
  prefix: string;
  created_at: DefaultNow;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface FeedsTables {
  feed_tokens: FeedTokensTable;
}
