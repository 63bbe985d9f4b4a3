import { z } from 'zod';
import { callJson } from './integration-fetch.js';

/** What Jira answers to POST /rest/api/2/issue (201). */
const createdSchema = z.object({ id: z.string(), key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/), self: z.string() });

export interface JiraAccount {
  url: string;
  projectKey: string;
  issueType: string;
  /** Jira Cloud: the account's e-mail with an API token (Basic). None: the token is a personal access token (Data Center, Bearer). */
  email: string | null;
  token: string;
  allowPrivate: boolean;
}

/** Creates the issue that records one published version: its changelog as description (REST API v2: plain text, no ADF needed). */
export async function createJiraIssue(account: JiraAccount, version: { appTitle: string; version: string; changelog: string; link: string }): Promise<{ key: string; url: string }> {
  const base = account.url.replace(/\/+$/, '');
  const authorization = account.email ? `Basic ${Buffer.from(`${account.email}:${account.token}`).toString('base64')}` : `Bearer ${account.token}`;
  const created = await callJson('Jira', {
    url: `${base}/rest/api/2/issue`,
    method: 'POST',
    headers: { authorization },
    body: {
      fields: {
        project: { key: account.projectKey },
        issuetype: { name: account.issueType },
        summary: `${version.appTitle} ${version.version} published`.slice(0, 250),
        description: `${version.changelog.trim() || `Version ${version.version}.`}\n\n${version.link}`.slice(0, 30_000),
        labels: ['marketplace'],
      },
    },
    allowPrivate: account.allowPrivate,
    schema: createdSchema,
  });
  return { key: created.key, url: `${base}/browse/${created.key}` };
}
