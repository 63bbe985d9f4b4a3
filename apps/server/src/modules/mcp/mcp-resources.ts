import { appSpecJsonSchema } from '@marketplace/spec';
import { McpError, type Resource, type TextResourceContents } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { findVersionRow } from '../catalog/catalog-repository.js';
import { appDetail, searchCatalog, versionDetail } from '../catalog/catalog-views.js';
import type { McpCaller, McpDeps } from './mcp-tool.js';

/** JSON-RPC code for an unknown resource (MCP specification, resources). */
const RESOURCE_NOT_FOUND = -32002;
const SCHEMA_URI = 'marketplace://schemas/app-spec.json';
const SPEC = /^marketplace:\/\/apps\/([^/]+)\/spec$/;
const RELEASE = /^marketplace:\/\/apps\/([^/]+)\/versions\/([^/]+)\/release$/;
const LISTED_APPS = 50;
const uuid = z.uuid();

export const resourceTemplates = [
  { uriTemplate: 'marketplace://apps/{appId}/spec', name: 'app-spec', title: 'An app’s AppSpec', mimeType: 'application/json' },
  { uriTemplate: 'marketplace://apps/{appId}/versions/{version}/release', name: 'app-release', title: 'A published version: manifest, validation and scan reports, signed release', mimeType: 'application/json' },
];

/** The AppSpec schema, then the spec and latest release of the organisation's newest apps. */
export async function listResources(deps: McpDeps, caller: McpCaller): Promise<Resource[]> {
  const { items } = await searchCatalog(deps.db, caller.principal.orgId, { sort: 'newest', limit: LISTED_APPS, offset: 0 });
  const resources: Resource[] = [{ uri: SCHEMA_URI, name: 'app-spec-schema', title: 'AppSpec JSON Schema', mimeType: 'application/schema+json', description: 'What build_app accepts as "spec"' }];
  for (const app of items) {
    resources.push({ uri: `marketplace://apps/${app.id}/spec`, name: `${app.name}-spec`, title: `${app.title}: AppSpec`, mimeType: 'application/json' });
    if (app.latestVersion) resources.push({ uri: `marketplace://apps/${app.id}/versions/${encodeURIComponent(app.latestVersion)}/release`, name: `${app.name}-${app.latestVersion}`, title: `${app.title} ${app.latestVersion}: release`, mimeType: 'application/json' });
  }
  return resources;
}

const json = (uri: string, value: unknown, mimeType = 'application/json'): TextResourceContents => ({ uri, mimeType, text: JSON.stringify(value, null, 2) });

function notFound(uri: string): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `There is no resource ${JSON.stringify(uri.slice(0, 200))} in your organization; list the resources to see what there is.`, { code: 'NOT_FOUND', uri: uri.slice(0, 200) });
}

/** One resource of the caller's organisation; another organisation's is not found, as on REST. */
export async function readResource(deps: McpDeps, caller: McpCaller, uri: string): Promise<TextResourceContents> {
  if (uri === SCHEMA_URI) return json(uri, appSpecJsonSchema(), 'application/schema+json');
  const orgId = caller.principal.orgId;
  try {
    const spec = SPEC.exec(uri);
    if (spec && uuid.safeParse(spec[1]).success) return json(uri, (await appDetail(deps.db, orgId, spec[1]!)).spec);
    const release = RELEASE.exec(uri);
    if (release && uuid.safeParse(release[1]).success) {
      const version = decodeURIComponent(release[2]!);
      const row = version.length <= 64 ? await findVersionRow(deps.db, orgId, release[1]!, version) : undefined;
      if (row) return json(uri, versionDetail(row));
    }
  } catch (error) {
    if (!(error instanceof NotFoundError) && !(error instanceof URIError)) throw error;
  }
  throw notFound(uri);
}
