import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

export const gitExportMigrations = [
  {
    name: '1450_git_export_push',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        // One row per organisation: where exports are pushed, and the optional GitLab and Jira accounts. Secrets are sealed (secret box 'git-export').
        `CREATE TABLE git_export_settings (
          org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
          remote_url_template text,
          remote_auth text CHECK (remote_auth IN ('https-token', 'ssh-key')),
          remote_username text,
          remote_secret_sealed text,
          remote_known_hosts text,
          gitlab_url text,
          gitlab_namespace_id integer,
          gitlab_token_sealed text,
          jira_url text,
          jira_project_key text,
          jira_issue_type text,
          jira_email text,
          jira_token_sealed text,
          jira_since timestamptz,
          updated_by uuid,
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        // The push outcome of each app: the remote last pushed to, the last version there, the last error; the GitLab project made for it.
        `CREATE TABLE git_export_pushes (
          app_id uuid PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          remote_url text,
          last_pushed_version text,
          last_pushed_at timestamptz,
          last_error_code text,
          last_error text,
          last_attempt_at timestamptz,
          gitlab_project_id integer,
          gitlab_remote_url text,
          gitlab_web_url text
        )`,
        `CREATE INDEX git_export_pushes_org_idx ON git_export_pushes (org_id)`,
        // The Jira issue made for each published version (one per version, never two).
        `CREATE TABLE git_export_jira_issues (
          version_id uuid PRIMARY KEY REFERENCES app_versions(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          issue_key text NOT NULL,
          issue_url text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      ]);
    },
  },
];
