import ipaddr from 'ipaddr.js';
import { mcpToolListed, type Policy } from '../settings/org-settings.js';
import type { ApprovalReason } from './approvals-tables.js';
import { notice } from '../../http/notice.js';

/** Host names that answer with a cloud instance's credentials and settings (AWS, GCP, Azure, Oracle, Alibaba, OpenStack). */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal', 'metadata.oraclecloud.com', 'metadata.tencentyun.com']);
/** Metadata addresses outside the link-local ranges. */
const METADATA_ADDRESSES = ['fd00:ec2::254', '100.100.100.200'];

interface SpecReach {
  sources?: { url?: string | undefined }[] | undefined;
  outputs?: { target?: string | undefined }[] | undefined;
  mcpTools?: { server: string; tool: string; use: 'source' | 'output' }[] | undefined;
}

export interface ReachedHost {
  /** Where in the AppSpec: `sources.0.url`, `outputs.1.target`. */
  field: string;
  host: string;
}

/** The hosts an app reaches through its sources and outputs (only http(s) URLs name a host). */
export function reachedHosts(spec: SpecReach): ReachedHost[] {
  const found: ReachedHost[] = [];
  const add = (field: string, value: string | undefined) => {
    if (!value || !URL.canParse(value)) return;
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    found.push({ field, host: url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase() });
  };
  for (const [index, source] of (spec.sources ?? []).entries()) add(`sources.${index}.url`, source.url);
  for (const [index, output] of (spec.outputs ?? []).entries()) add(`outputs.${index}.target`, output.target);
  return found;
}

/** Link-local (169.254.0.0/16, fe80::/10) or a cloud-metadata host or address, IPv4-mapped forms included. */
export function isMetadataOrLinkLocal(host: string): boolean {
  if (METADATA_HOSTS.has(host)) return true;
  if (!ipaddr.isValid(host)) return false;
  const address = ipaddr.process(host);
  if (address.range() === 'linkLocal') return true;
  return METADATA_ADDRESSES.some((listed) => {
    const other = ipaddr.process(listed);
    return other.kind() === address.kind() && other.toNormalizedString() === address.toNormalizedString();
  });
}

/** The first source or output that reaches a link-local or metadata address, unless the policy allows them. */
export function refusedHost(spec: SpecReach, policy: Policy): ReachedHost | undefined {
  if (policy.allowLinkLocal) return undefined;
  return reachedHosts(spec).find((reached) => isMetadataOrLinkLocal(reached.host));
}

const allowed = (host: string, allowList: string[]) => allowList.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));

/** Why publishing this app needs a reviewer under the policy (empty: it may be published without one). */
export function publishReviewReasons(spec: SpecReach, policy: Policy, requireApproval: boolean): ApprovalReason[] {
  return [...hostReasons(spec, policy, requireApproval), ...mcpToolReasons(spec, policy)];
}

function hostReasons(spec: SpecReach, policy: Policy, requireApproval: boolean): ApprovalReason[] {
  if (policy.publish === 'all' || requireApproval) return [{ code: 'POLICY_ALL_APPS', message: 'The organisation reviews every app before it is published.', notice: notice('approval.allApps') }];
  if (policy.publish !== 'outside-allow-list') return [];
  const outside = [...new Set(reachedHosts(spec).map((r) => r.host).filter((host) => !allowed(host, policy.allowedHosts)))];
  return outside.length ? [{ code: 'HOSTS_OUTSIDE_ALLOW_LIST', message: `The app reaches hosts outside the allow-list: ${outside.join(', ')}.`, notice: notice('approval.hostsOutside', { hosts: outside.join(', ') }) }] : [];
}

/**
 * MCP tools the app declares that the policy does not let apps call (`mcpAutomationTools`): whatever
 * `publish` says, a reviewer sees them first; their calls stay refused until an admin lists them.
 */
function mcpToolReasons(spec: SpecReach, policy: Policy): ApprovalReason[] {
  const outside = (spec.mcpTools ?? []).filter((use) => !mcpToolListed(policy.mcpAutomationTools, use.server, use.tool)).map((use) => `${use.server}/${use.tool} (${use.use})`);
  if (!outside.length) return [];
  const tools = [...new Set(outside)].join(', ');
  return [{ code: 'MCP_TOOLS_OUTSIDE_POLICY', message: `The app calls MCP tools that the policy does not let apps use: ${tools}. Their calls are refused until an admin adds them to the policy's MCP tools for apps.`, notice: notice('approval.mcpToolsOutside', { tools }) }];
}
