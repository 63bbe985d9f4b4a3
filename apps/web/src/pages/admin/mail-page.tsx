import { MailBacklogStatus } from '../../components/mail-backlog';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { MailAnalysis, MailRuleSet } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate, formatNumber } from '../../i18n/i18n';
import { noticesText } from '../../components/notice-text';

/** The routing rules as JSON, saved as a new version (the server validates them and says what is wrong). */
function RulesEditor() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['mail-rules'], queryFn: () => callRoute<MailRuleSet>('getMailRules') });
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => setText(rules.data ? JSON.stringify(rules.data.rules, null, 2) : ''), [rules.data]);
  const save = useMutation({
    mutationFn: (parsed: unknown) => callRoute<{ version: number }>('saveMailRules', { body: { rules: parsed } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['mail-rules'] }),
  });
  const submit = () => {
    try {
      const parsed: unknown = JSON.parse(text);
      setParseError(null);
      save.mutate(parsed);
    } catch (error) {
      setParseError((error as Error).message);
    }
  };
  return (
    <QueryState query={rules} empty={null}>
      {(current) => (
        <div className="panel">
          <h2>{current.isDefault ? t('mail.rulesBuiltin') : t('mail.rules', { version: current.version })}</h2>
          <p className="muted">{current.isDefault ? t('mail.defaultRules') : t('mail.savedAt', { at: current.createdAt ?? '' })}</p>
          <div className="field">
            <label htmlFor="mail-rules">{t('mail.rulesJson')}</label>
            <textarea id="mail-rules" rows={14} className="code" value={text} onChange={(event) => setText(event.target.value)} />
          </div>
          {parseError ? <p role="alert" className="notice notice-error">{t('mail.notJson', { problem: parseError })}</p> : null}
          {save.isError ? <ErrorMessage error={save.error} /> : null}
          {save.isSuccess ? <p role="status" className="notice notice-success">{t('mail.savedVersion', { version: save.data.version })}</p> : null}
          <button type="button" onClick={submit} disabled={save.isPending}>{t('mail.saveRules')}</button>
        </div>
      )}
    </QueryState>
  );
}

const STAGES = ['sender', 'spam', 'language', 'classification', 'app', 'summary', 'route'] as const;
type Stage = (typeof STAGES)[number];

/** Where a stage's result is a word of the catalogs (the app's name and the summary are the mail's own words). */
const RESULT_WORDS: Partial<Record<Stage, string>> = { sender: 'mail.trust', spam: 'mail.spamResults', language: 'mail.languages', classification: 'messages.kinds', route: 'mail.routes' };

/** Every incoming message as the pipeline read it, stage by stage, with the reasons; and the rules. */
export function MailPage() {
  const { t, i18n } = useTranslation();
  const analyses = useQuery({ queryKey: ['mail-analyses'], queryFn: () => callRoute<{ items: MailAnalysis[] }>('listMailAnalyses', { query: { limit: 100 } }) });
  return (
    <section aria-labelledby="mail-title">
      <h1 id="mail-title">{t('mail.title')}</h1>
      <MailBacklogStatus />
      <RulesEditor />
      <QueryState query={analyses} empty={<EmptyState title={t('mail.empty')} />} isEmpty={(data) => data.items.length === 0}>
        {({ items }) => (
          <ul className="list">
            {items.map((analysis) => (
              <li key={analysis.id}>
                <details>
                  <summary>
                    {formatDate(analysis.createdAt, i18n.language)} · {analysis.sender} · {analysis.subject || '—'} · <strong>{analysis.spam ? t('mail.spam') : t(`messages.kinds.${analysis.classification}`, { defaultValue: analysis.classification })}</strong> → {t(`mail.routes.${analysis.route}`, { defaultValue: analysis.route })}
                  </summary>
                  <div className="table-wrap" tabIndex={0} role="region" aria-label={t('mail.stagesOf', { subject: analysis.subject || '—' })}>
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('mail.stage')}</th>
                          <th scope="col">{t('mail.result')}</th>
                          <th scope="col">{t('mail.reason')}</th>
                          <th scope="col">{t('mail.engine')}</th>
                          <th scope="col">{t('mail.ms')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {STAGES.filter((stage) => analysis.stages[stage]).map((stage) => {
                          const record = analysis.stages[stage]!;
                          return (
                            <tr key={stage}>
                              <th scope="row">{t(`mail.stages.${stage}`)}</th>
                              <td>{stage === 'app' && !record.data?.appId ? t('mail.noApp') : RESULT_WORDS[stage] ? t(`${RESULT_WORDS[stage]}.${record.result}`, { defaultValue: record.result }) : record.result}</td>
                              <td>{noticesText(i18n, record.notices, record.reason)}</td>
                              <td>{t(`mail.engines.${record.engine}`, { defaultValue: record.engine })}</td>
                              <td>{formatNumber(record.ms, i18n.language)}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  <p className="muted">{analysis.ruleVersion ? t('mail.ruleVersion', { version: analysis.ruleVersion }) : t('mail.builtinRouted')}</p>
                </details>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
