import { z } from 'zod';
import { callJson } from './integration-fetch.js';

/** What the export keeps of a project GitLab made (POST /api/v4/projects, 201). */
const projectSchema = z.object({ id: z.number().int(), web_url: z.url(), http_url_to_repo: z.url(), path_with_namespace: z.string() });
export type GitlabProject = z.infer<typeof projectSchema>;

export interface GitlabAccount {
  url: string;
  token: string;
  /** The group (or user namespace) projects are made in; none: the token owner's own namespace. */
  namespaceId: number | null;
  allowPrivate: boolean;
}

/** Creates a private, empty project for an app (the export pushes its history into it). */
export function createGitlabProject(account: GitlabAccount, app: { name: string; title: string; summary: string }): Promise<GitlabProject> {
  return callJson('GitLab', {
    url: `${account.url.replace(/\/+$/, '')}/api/v4/projects`,
    method: 'POST',
    headers: { authorization: `Bearer ${account.token}` },
    body: { name: app.title, path: app.name, ...(account.namespaceId ? { namespace_id: account.namespaceId } : {}), visibility: 'private', description: app.summary.slice(0, 2000), initialize_with_readme: false },
    allowPrivate: account.allowPrivate,
    schema: projectSchema,
  });
}
