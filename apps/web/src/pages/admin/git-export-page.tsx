import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { GitIntegrations, GitPushList, GitPushOutcome } from '../../api/types';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

type Section = 'remote' | 'gitlab' | 'jira';

/** A multi-line field (keys, known_hosts lines), labelled like FormField. */
function TextArea({ label, hint, value, onChange }: { label: string; hint?: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={4} className="code" spellCheck={false} value={value} onChange={(event) => onChange(event.target.value)} {...(hint ? { 'aria-describedby': `${id}-hint` } : {})} />
      {hint ? <p id={`${id}-hint`} className="hint">{hint}</p> : null}
    </div>
  );
}

/** One integration's form: save replaces it (an empty secret keeps the stored one), remove deletes it. */
function SectionForm({ section, title, configured, body, children }: { section: Section; title: string; configured: boolean; body: () => Record<string, unknown>; children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (value: Record<string, unknown> | null) => callRoute<GitIntegrations>('saveGitIntegrations', { body: { [section]: value } }),
    onSuccess: (data) => queryClient.setQueryData(['git-integrations'], data),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(body());
  };
  return (
    <form onSubmit={submit} className="panel" aria-label={title}>
      <h2>{title}</h2>
      {children}
      {save.error ? <ErrorMessage error={save.error} /> : null}
      {save.isSuccess ? <p role="status">{t('gitExport.saved')}</p> : null}
      <div className="row">
        <button type="submit" disabled={save.isPending}>{t('common.save')}</button>
        {configured ? (
          <button type="button" className="secondary" disabled={save.isPending} onClick={() => save.mutate(null)}>
            {t('gitExport.remove')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** Admin → Git export: where each app's repository is pushed, the optional GitLab and Jira accounts, and every app's last push. */
export function GitExportPage() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: ['git-integrations'], queryFn: () => callRoute<GitIntegrations>('getGitIntegrations') });
  return (
    <section aria-labelledby="git-export-title">
      <h1 id="git-export-title">{t('gitExport.title')}</h1>
      <p>{t('gitExport.intro')}</p>
      <QueryState query={settings} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => <Forms data={data} />}
      </QueryState>
      <Pushes />
    </section>
  );
}

function Forms({ data }: { data: GitIntegrations }) {
  const { t } = useTranslation();
  const [template, setTemplate] = useState(data.remote?.urlTemplate ?? '');
  const [auth, setAuth] = useState<'https-token' | 'ssh-key'>(data.remote?.auth ?? 'https-token');
  const [username, setUsername] = useState(data.remote?.username ?? '');
  const [token, setToken] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [knownHosts, setKnownHosts] = useState(data.remote?.knownHosts ?? '');
  const [gitlabUrl, setGitlabUrl] = useState(data.gitlab?.url ?? '');
  const [namespaceId, setNamespaceId] = useState(data.gitlab?.namespaceId ? String(data.gitlab.namespaceId) : '');
  const [gitlabToken, setGitlabToken] = useState('');
  const [jiraUrl, setJiraUrl] = useState(data.jira?.url ?? '');
  const [projectKey, setProjectKey] = useState(data.jira?.projectKey ?? '');
  const [issueType, setIssueType] = useState(data.jira?.issueType ?? 'Task');
  const [email, setEmail] = useState(data.jira?.email ?? '');
  const [jiraToken, setJiraToken] = useState('');
  const keep = (stored: boolean | undefined) => (stored ? t('gitExport.secretKept') : undefined);
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  return (
    <>
      <SectionForm
        section="remote"
        title={t('gitExport.remote')}
        configured={!!data.remote}
        body={() => (auth === 'ssh-key' ? { urlTemplate: template, auth, privateKey: optional(privateKey), knownHosts } : { urlTemplate: template, auth, username, token: optional(token) })}
      >
        <FormField label={t('gitExport.urlTemplate')} hint={t('gitExport.urlTemplateHint')} required maxLength={500} value={template} onChange={(event) => setTemplate(event.target.value)} />
        <label>
          {t('gitExport.auth')}
          <select value={auth} onChange={(event) => setAuth(event.target.value as 'https-token' | 'ssh-key')}>
            <option value="https-token">{t('gitExport.authToken')}</option>
            <option value="ssh-key">{t('gitExport.authSsh')}</option>
          </select>
        </label>
        {auth === 'https-token' ? (
          <>
            <FormField label={t('gitExport.username')} required maxLength={200} value={username} onChange={(event) => setUsername(event.target.value)} />
            <FormField label={t('gitExport.token')} type="password" autoComplete="off" hint={keep(data.remote?.auth === 'https-token' && data.remote.hasSecret)} value={token} onChange={(event) => setToken(event.target.value)} />
          </>
        ) : (
          <>
            <TextArea label={t('gitExport.privateKey')} hint={keep(data.remote?.auth === 'ssh-key' && data.remote.hasSecret) ?? t('gitExport.privateKeyHint')} value={privateKey} onChange={setPrivateKey} />
            <TextArea label={t('gitExport.knownHosts')} hint={t('gitExport.knownHostsHint')} value={knownHosts} onChange={setKnownHosts} />
          </>
        )}
      </SectionForm>
      <SectionForm section="gitlab" title={t('gitExport.gitlab')} configured={!!data.gitlab} body={() => ({ url: gitlabUrl, namespaceId: namespaceId ? Number(namespaceId) : undefined, token: optional(gitlabToken) })}>
        <p className="hint">{t('gitExport.gitlabIntro')}</p>
        <FormField label={t('gitExport.serverUrl')} type="url" required maxLength={500} value={gitlabUrl} onChange={(event) => setGitlabUrl(event.target.value)} />
        <FormField label={t('gitExport.namespaceId')} type="number" min={1} value={namespaceId} onChange={(event) => setNamespaceId(event.target.value)} />
        <FormField label={t('gitExport.token')} type="password" autoComplete="off" hint={keep(data.gitlab?.hasToken)} value={gitlabToken} onChange={(event) => setGitlabToken(event.target.value)} />
      </SectionForm>
      <SectionForm
        section="jira"
        title={t('gitExport.jira')}
        configured={!!data.jira}
        body={() => ({ url: jiraUrl, projectKey, issueType, email: optional(email), token: optional(jiraToken) })}
      >
        <p className="hint">{t('gitExport.jiraIntro')}</p>
        <FormField label={t('gitExport.serverUrl')} type="url" required maxLength={500} value={jiraUrl} onChange={(event) => setJiraUrl(event.target.value)} />
        <FormField label={t('gitExport.projectKey')} required pattern="[A-Z][A-Z0-9_]{1,9}" value={projectKey} onChange={(event) => setProjectKey(event.target.value)} />
        <FormField label={t('gitExport.issueType')} required maxLength={60} value={issueType} onChange={(event) => setIssueType(event.target.value)} />
        <FormField label={t('gitExport.email')} hint={t('gitExport.emailHint')} type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
        <FormField label={t('gitExport.token')} type="password" autoComplete="off" hint={keep(data.jira?.hasToken)} value={jiraToken} onChange={(event) => setJiraToken(event.target.value)} />
      </SectionForm>
    </>
  );
}

/** Why a push failed, in the reader's language by its code; git's own words (not translatable) under a disclosure. */
function PushError({ code, technical }: { code: string; technical: string | null }) {
  const { t } = useTranslation();
  return (
    <div className="notice-error">
      {t(`gitExport.errors.${code}`, { defaultValue: technical ?? code })}
      {technical ? (
        <details>
          <summary>{t('gitExport.technical')}</summary>
          <samp>{technical}</samp>
        </details>
      ) : null}
    </div>
  );
}

/** Every app's last push, with its error, and a button to push again now. */
function Pushes() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const pushes = useQuery({ queryKey: ['git-pushes'], queryFn: () => callRoute<GitPushList>('listGitPushes') });
  const push = useMutation({ mutationFn: (id: string) => callRoute<GitPushOutcome>('pushAppToGit', { params: { id } }), onSettled: () => void queryClient.invalidateQueries({ queryKey: ['git-pushes'] }) });
  return (
    <section aria-labelledby="git-pushes-title">
      <h2 id="git-pushes-title">{t('gitExport.pushes')}</h2>
      {push.error ? <ErrorMessage error={push.error} /> : null}
      <QueryState query={pushes} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('gitExport.noPushes')} />}>
        {(data) => (
          <DataTable
            labelledBy="git-pushes-title"
            rows={data.items}
            rowKey={(row) => row.appId}
            columns={[
              { key: 'app', header: t('gitExport.app'), cell: (row) => row.appTitle },
              { key: 'remote', header: t('gitExport.remote'), cell: (row) => (row.gitlabWebUrl ? <a href={row.gitlabWebUrl}>{row.remoteUrl}</a> : <code>{row.remoteUrl}</code>) },
              { key: 'version', header: t('gitExport.lastPushed'), cell: (row) => (row.lastPushedVersion ? `${row.lastPushedVersion} · ${formatDate(row.lastPushedAt ?? '', i18n.language, '')}` : '—') },
              { key: 'error', header: t('gitExport.error'), cell: (row) => (row.errorCode ? <PushError code={row.errorCode} technical={row.error} /> : t('gitExport.ok')) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (row) => (
                  <button type="button" className="secondary" disabled={push.isPending} onClick={() => push.mutate(row.appId)}>
                    {t('gitExport.pushNow')}
                    <span className="visually-hidden"> {row.appTitle}</span>
                  </button>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
