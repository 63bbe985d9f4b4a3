import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { Policy, Settings } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { QueryState } from '../../components/query-state';

const PUBLISH_CHOICES: Policy['publish'][] = ['none', 'outside-allow-list', 'all'];
const FLAGS = ['distributeToOthers', 'selfApproval', 'allowLinkLocal'] as const;

/** The organisation's policy: what waits for a reviewer, which hosts apps may reach without one. */
export function PolicyPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: ['config'], queryFn: () => callRoute<{ settings: Settings }>('getConfig') });
  const [draft, setDraft] = useState<Policy | null>(null);
  const [hosts, setHosts] = useState('');
  const [readPaths, setReadPaths] = useState('');
  const [conversationTools, setConversationTools] = useState('');
  const [automationTools, setAutomationTools] = useState('');
  useEffect(() => {
    const policy = config.data?.settings.policy as Policy | undefined;
    if (policy) {
      setDraft(structuredClone(policy));
      setHosts(policy.allowedHosts.join('\n'));
      setReadPaths((policy.workstationReadPaths ?? []).join('\n'));
      setConversationTools((policy.mcpConversationTools ?? []).join('\n'));
      setAutomationTools((policy.mcpAutomationTools ?? []).join('\n'));
    }
  }, [config.data]);
  const save = useMutation({
    mutationFn: (policy: Policy) => callRoute<{ settings: Settings }>('putConfig', { body: { settings: { policy } } }),
    onSuccess: (data) => queryClient.setQueryData(['config'], data),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // one path per line: paths may hold spaces
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    if (draft) save.mutate({ ...draft, allowedHosts: words(hosts), workstationReadPaths: readPaths.split(/\r?\n/).map((line) => line.trim()).filter(Boolean), mcpConversationTools: words(conversationTools), mcpAutomationTools: words(automationTools) });
  };
  return (
    <section aria-labelledby="policy-title">
      <h1 id="policy-title">{t('policy.title')}</h1>
      <p>{t('policy.intro')}</p>
      <QueryState query={config} empty={null}>
        {() =>
          draft ? (
            <form onSubmit={submit} className="panel">
              <div className="field">
                <label htmlFor="policy-publish">{t('policy.publish')}</label>
                <select id="policy-publish" value={draft.publish} onChange={(event) => setDraft({ ...draft, publish: event.target.value as Policy['publish'] })}>
                  {PUBLISH_CHOICES.map((choice) => (
                    <option key={choice} value={choice}>
                      {t(`policy.publishChoices.${choice}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="policy-hosts">{t('policy.allowedHosts')}</label>
                <textarea id="policy-hosts" rows={4} value={hosts} onChange={(event) => setHosts(event.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="policy-read-paths">{t('policy.workstationReadPaths')}</label>
                <textarea id="policy-read-paths" rows={3} value={readPaths} onChange={(event) => setReadPaths(event.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="policy-mcp-conversations">{t('policy.mcpConversationTools')}</label>
                <textarea id="policy-mcp-conversations" rows={3} value={conversationTools} onChange={(event) => setConversationTools(event.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="policy-mcp-automations">{t('policy.mcpAutomationTools')}</label>
                <textarea id="policy-mcp-automations" rows={3} value={automationTools} onChange={(event) => setAutomationTools(event.target.value)} />
              </div>
              {FLAGS.map((flag) => (
                <label key={flag} className="check" htmlFor={`policy-${flag}`}>
                  <input id={`policy-${flag}`} type="checkbox" checked={draft[flag]} onChange={(event) => setDraft({ ...draft, [flag]: event.target.checked })} /> {t(`policy.${flag}`)}
                </label>
              ))}
              <div className="field">
                <label htmlFor="policy-ttl">{t('policy.approvalLinkTtlHours')}</label>
                <input id="policy-ttl" type="number" min={1} max={168} value={draft.approvalLinkTtlHours} onChange={(event) => setDraft({ ...draft, approvalLinkTtlHours: Number(event.target.value) })} />
              </div>
              {save.isError ? <ErrorMessage error={save.error} /> : null}
              {save.isSuccess && !save.isPending ? (
                <p role="status" className="notice notice-success">
                  {t('common.saved')}
                </p>
              ) : null}
              <button type="submit" disabled={save.isPending}>
                {t('common.save')}
              </button>
            </form>
          ) : null
        }
      </QueryState>
    </section>
  );
}
