import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { McpServer, McpServerList, McpServerTest, McpToolAnswer } from '../../api/types';
import { CreateForm, useCreateOnce } from '../../components/create-form';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { noticesText } from '../../components/notice-text';

type Transport = McpServer['transport'];

/**
 * Credentials as typed: `Name: value` lines (HTTP headers) or `NAME=value` lines (a command's
 * environment). Returns the record, or the 1-based number of the first line it cannot read.
 */
export function parseSecrets(text: string, transport: Transport): Record<string, string> | { badLine: number } {
  const secrets: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    const at = transport === 'http' ? line.indexOf(':') : line.indexOf('=');
    const name = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (at < 1 || !name || !value) return { badLine: index + 1 };
    secrets[name] = value;
  }
  return secrets;
}

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** Admin → MCP servers: register (credentials sealed, shown by name only), test, allow tools, try one, turn off, remove. */
export function McpServersPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [transport, setTransport] = useState<Transport>('http');
  const [url, setUrl] = useState('');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [secretsText, setSecretsText] = useState('');
  const [allowed, setAllowed] = useState('');
  const [tested, setTested] = useState<{ id: string; result: McpServerTest } | null>(null);
  const servers = useQuery({ queryKey: ['mcp-servers'], queryFn: () => callRoute<McpServerList>('listMcpServers') });
  const secrets = parseSecrets(secretsText, transport);
  const create = useCreateOnce({
    listKey: 'mcp-servers',
    create: () => {
      const target = transport === 'http' ? { url } : { command, args: args.split(/\r?\n/).filter((line) => line.trim() !== '') };
      return callRoute<McpServer>('createMcpServer', { body: { name, transport, ...target, secrets, allowedTools: words(allowed) } });
    },
    onCreated: () => (setName(''), setUrl(''), setCommand(''), setArgs(''), setSecretsText(''), setAllowed('')),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['mcp-servers'] });
  const update = useMutation({ mutationFn: ({ id, body }: { id: string; body: { enabled?: boolean; allowedTools?: string[] } }) => callRoute<McpServer>('updateMcpServer', { params: { id }, body }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (id: string) => callRoute<null>('deleteMcpServer', { params: { id } }), onSuccess: refresh });
  const test = useMutation({ mutationFn: (id: string) => callRoute<McpServerTest>('testMcpServer', { params: { id } }), onSuccess: (result, id) => setTested({ id, result }) });
  const stdioAllowed = servers.data?.stdioAllowed ?? false;
  const badSecrets = 'badLine' in secrets ? secrets.badLine : null;
  const incomplete = name.trim() === '' || (transport === 'http' ? url.trim() === '' : command.trim() === '') || badSecrets !== null;

  return (
    <section aria-labelledby="mcp-servers-title">
      <h1 id="mcp-servers-title">{t('mcpServers.title')}</h1>
      <p>{t('mcpServers.intro')}</p>
      <CreateForm mutation={create.mutation} submitLabel={t('common.create')} disabled={incomplete}>
        <FormField label={t('mcpServers.name')} required maxLength={63} pattern="[a-z0-9][a-z0-9._\-]{0,62}" value={name} onChange={(event) => setName(event.target.value)} />
        <label>
          {t('mcpServers.transport')}
          <select value={transport} onChange={(event) => setTransport(event.target.value as Transport)}>
            <option value="http">{t('mcpServers.transports.http')}</option>
            <option value="stdio" disabled={!stdioAllowed}>
              {t('mcpServers.transports.stdio')}
            </option>
          </select>
        </label>
        {stdioAllowed ? null : <p className="hint">{t('mcpServers.stdioOff')}</p>}
        {transport === 'http' ? (
          <FormField label={t('mcpServers.url')} required type="url" maxLength={2000} value={url} onChange={(event) => setUrl(event.target.value)} />
        ) : (
          <>
            <FormField label={t('mcpServers.command')} required maxLength={500} value={command} onChange={(event) => setCommand(event.target.value)} />
            <TextArea label={t('mcpServers.args')} value={args} onChange={setArgs} />
          </>
        )}
        <TextArea label={transport === 'http' ? t('mcpServers.secretsHttp') : t('mcpServers.secretsStdio')} value={secretsText} onChange={setSecretsText} />
        {badSecrets !== null ? <p className="notice notice-error">{t('mcpServers.secretsBad', { line: badSecrets })}</p> : null}
        <FormField label={t('mcpServers.allowedTools')} value={allowed} onChange={(event) => setAllowed(event.target.value)} />
      </CreateForm>
      {update.isError ? <ErrorMessage error={update.error} /> : null}
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      {test.isError ? <ErrorMessage error={test.error} /> : null}
      <QueryState query={servers} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <>
            <DataTable
              labelledBy="mcp-servers-title"
              rows={data.items}
              rowKey={(server) => server.id}
              columns={[
                { key: 'name', header: t('mcpServers.name'), cell: (server) => <><code>{server.name}</code>{server.description ? <div>{server.description}</div> : null}</> },
                { key: 'target', header: t('mcpServers.target'), cell: (server) => <code>{server.transport === 'http' ? server.url : [server.command, ...server.args].join(' ')}</code> },
                { key: 'secrets', header: t('mcpServers.secretNames'), cell: (server) => (server.secretNames.length ? server.secretNames.join(', ') : t('mcpServers.noSecrets')) },
                { key: 'tools', header: t('mcpServers.allowedTools'), cell: (server) => <code>{server.allowedTools.join(', ')}</code> },
                { key: 'state', header: t('mcpServers.state'), cell: (server) => (server.enabled ? t('mcpServers.enabled') : t('mcpServers.disabled')) },
                {
                  key: 'actions',
                  header: t('common.actions'),
                  cell: (server) => (
                    <div className="row">
                      <button type="button" className="secondary" disabled={test.isPending} onClick={() => test.mutate(server.id)}>
                        {t('mcpServers.test')}
                        <span className="visually-hidden"> {server.name}</span>
                      </button>
                      <button type="button" className="secondary" onClick={() => update.mutate({ id: server.id, body: { enabled: !server.enabled } })}>
                        {server.enabled ? t('mcpServers.disable') : t('mcpServers.enable')}
                        <span className="visually-hidden"> {server.name}</span>
                      </button>
                      <button type="button" className="secondary" onClick={() => remove.mutate(server.id)}>
                        {t('mcpServers.remove')}
                        <span className="visually-hidden"> {server.name}</span>
                      </button>
                    </div>
                  ),
                },
              ]}
            />
            {tested && data.items.some((server) => server.id === tested.id) ? (
              <ServerTools server={data.items.find((server) => server.id === tested.id)!} result={tested.result} onAllow={(allowedTools) => update.mutate({ id: tested.id, body: { allowedTools } })} />
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

function TextArea({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

/** What a test found: the tools, each allowed or not (a button switches it), and a form to try one. */
function ServerTools({ server, result, onAllow }: { server: McpServer; result: McpServerTest; onAllow: (allowedTools: string[]) => void }) {
  const { t, i18n } = useTranslation();
  const [tool, setTool] = useState(result.tools[0]?.name ?? '');
  const [argumentsText, setArgumentsText] = useState('{}');
  const [answer, setAnswer] = useState<McpToolAnswer | null>(null);
  const isAllowed = (name: string) => server.allowedTools.includes('*') || server.allowedTools.includes(name);
  const parsed = (() => {
    try {
      const value: unknown = JSON.parse(argumentsText || '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  })();
  const run = useMutation({ mutationFn: () => callRoute<McpToolAnswer>('callMcpTool', { params: { id: server.id, tool }, body: { arguments: parsed ?? {} } }), onSuccess: setAnswer });
  if (!result.ok) {
    return (
      <p role="status" className="notice notice-error">
        {t('mcpServers.testFailed', { code: result.code ?? '', message: noticesText(i18n, result.notices, result.message ?? '', ' ') })}
      </p>
    );
  }
  return (
    <section aria-labelledby="mcp-tools-title" className="panel">
      <h2 id="mcp-tools-title">
        {t('mcpServers.tools')}: <code>{server.name}</code>
      </h2>
      <p role="status" className="notice notice-success">
        {t('mcpServers.testOk', { ms: result.durationMs, count: result.tools.length })}
      </p>
      <ul>
        {result.tools.map((item) => (
          <li key={item.name}>
            <code>{item.name}</code> {item.description ? `— ${item.description}` : null} ({isAllowed(item.name) ? t('mcpServers.allowed') : t('mcpServers.notAllowed')}){' '}
            {server.allowedTools.includes('*') ? null : (
              <button type="button" className="secondary" onClick={() => onAllow(isAllowed(item.name) ? server.allowedTools.filter((name) => name !== item.name) : [...server.allowedTools, item.name])}>
                {isAllowed(item.name) ? t('mcpServers.forbid') : t('mcpServers.allow')}
                <span className="visually-hidden"> {item.name}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          run.mutate();
        }}
      >
        <h3>{t('mcpServers.tryTool')}</h3>
        <label>
          {t('mcpServers.tool')}
          <select value={tool} onChange={(event) => setTool(event.target.value)}>
            {result.tools.map((item) => (
              <option key={item.name} value={item.name}>
                {item.name}
              </option>
            ))}
          </select>
        </label>
        <TextArea label={t('mcpServers.arguments')} value={argumentsText} onChange={setArgumentsText} />
        {parsed === null ? <p className="notice notice-error">{t('mcpServers.argumentsBad')}</p> : null}
        {run.isError ? <ErrorMessage error={run.error} /> : null}
        <button type="submit" disabled={!tool || parsed === null || run.isPending}>
          {t('mcpServers.call')}
        </button>
      </form>
      {answer ? (
        <div role="status">
          <h3>{answer.isError ? t('mcpServers.toolError') : t('mcpServers.answer')}</h3>
          <pre>{JSON.stringify(answer.structuredContent ?? answer.content, null, 2)}</pre>
        </div>
      ) : null}
    </section>
  );
}
