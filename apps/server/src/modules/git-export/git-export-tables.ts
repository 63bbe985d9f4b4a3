import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export interface GitExportSettingsTable {
  org_id: string;
  remote_url_template: string | null;
  remote_auth: 'https-token' | 'ssh-key' | null;
  remote_username: string | null;
  remote_secret_sealed: string | null;
  remote_known_hosts: string | null;
  gitlab_url: string | null;
  gitlab_namespace_id: number | null;
  gitlab_token_sealed: string | null;
  jira_url: string | null;
  jira_project_key: string | null;
  jira_issue_type: string | null;
  jira_email: string | null;
  jira_token_sealed: string | null;
  jira_since: Timestamp | null;
  updated_by: string | null;
  updated_at: DefaultNow;
}

export interface GitExportPushesTable {
  app_id: string;
  org_id: string;
  remote_url: string | null;
  last_pushed_version: string | null;
  last_pushed_at: Timestamp | null;
  last_error_code: string | null;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  gitlab_project_id: number | null;
  gitlab_remote_url: string | null;
  gitlab_web_url: string | null;
}

export interface GitExportJiraIssuesTable {
  version_id: string;
  org_id: string;
  app_id: string;
  issue_key: string;
  issue_url: string;
  created_at: DefaultNow;
}

/** The tables module git-export owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface GitExportTables {
  git_export_settings: GitExportSettingsTable;
  git_export_pushes: GitExportPushesTable;
  git_export_jira_issues: GitExportJiraIssuesTable;
}
