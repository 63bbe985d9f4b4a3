import { useTranslation } from 'react-i18next';
import { DataTable } from '../components/data-table';

export interface DeclaredMcpTool {
  server: string;
  tool: string;
  use: 'source' | 'output';
  purpose: string | null;
  /** Arguments the spec fixes (`name = value`; the marketplace refuses a call without exactly these). */
  fixed: string[];
}

/** The spec's `mcpTools`, read defensively (the spec is a JSON record on the wire): entries that are not well formed are left out. */
export function declaredMcpTools(spec: Record<string, unknown>): DeclaredMcpTool[] {
  const list = Array.isArray(spec.mcpTools) ? (spec.mcpTools as unknown[]) : [];
  return list.flatMap((entry) => {
    const item = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    if (typeof item.server !== 'string' || typeof item.tool !== 'string' || (item.use !== 'source' && item.use !== 'output')) return [];
    const fixed = item.arguments && typeof item.arguments === 'object' ? Object.entries(item.arguments as Record<string, unknown>).map(([name, value]) => `${name} = ${JSON.stringify(value)}`) : [];
    return [{ server: item.server, tool: item.tool, use: item.use, purpose: typeof item.purpose === 'string' ? item.purpose : null, fixed }];
  });
}

/** The MCP tools the app calls (declared in its spec; each call is checked against the organisation's policy and audited). Nothing when it declares none. */
export function McpToolsSection({ spec }: { spec: Record<string, unknown> }) {
  const { t } = useTranslation();
  const tools = declaredMcpTools(spec);
  if (tools.length === 0) return null;
  return (
    <section aria-labelledby="mcp-tools-title" className="panel" data-testid="mcp-tools">
      <h2 id="mcp-tools-title">{t('appPage.mcpTools.title')}</h2>
      <p className="muted small">{t('appPage.mcpTools.intro')}</p>
      <DataTable
        labelledBy="mcp-tools-title"
        rows={tools}
        rowKey={(row) => `${row.server}/${row.tool}/${row.use}`}
        columns={[
          { key: 'server', header: t('appPage.mcpTools.server'), cell: (row) => <code>{row.server}</code> },
          { key: 'tool', header: t('appPage.mcpTools.tool'), cell: (row) => <code>{row.tool}</code> },
          { key: 'use', header: t('appPage.mcpTools.use'), cell: (row) => t(`appPage.mcpTools.uses.${row.use}`) },
          { key: 'purpose', header: t('appPage.mcpTools.purpose'), cell: (row) => row.purpose ?? '—' },
          { key: 'fixed', header: t('appPage.mcpTools.fixed'), cell: (row) => (row.fixed.length ? row.fixed.map((entry) => <code key={entry}>{entry} </code>) : '—') },
        ]}
      />
    </section>
  );
}
