import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { callRoute } from '../../api/api';
import type { MailTemplate, MailTemplateDetail, MailTemplatePreview } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { noticeText } from '../../components/notice-text';
import { QueryState } from '../../components/query-state';

/** The wording of every mail the server sends, per kind and language: edit, preview (with the compliance check) and reset. */
export function MailTemplatesPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['mail-templates'], queryFn: () => callRoute<{ items: MailTemplate[] }>('listMailTemplates') });
  const [selected, setSelected] = useState<{ kind: string; language: string }>({ kind: 'approval-publish', language: 'en' });
  const params = { kind: selected.kind, language: selected.language };
  const detail = useQuery({ queryKey: ['mail-templates', selected.kind, selected.language], queryFn: () => callRoute<MailTemplateDetail>('getMailTemplate', { params }) });
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  useEffect(() => {
    if (detail.data) {
      setSubject(detail.data.subject);
      setBody(detail.data.body);
    }
  }, [detail.data]);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['mail-templates'] });
  const save = useMutation({ mutationFn: () => callRoute<MailTemplate>('putMailTemplate', { params, body: { subject, body } }), onSuccess: refresh });
  const reset = useMutation({ mutationFn: () => callRoute<MailTemplate>('resetMailTemplate', { params }), onSuccess: refresh });
  const preview = useMutation({ mutationFn: () => callRoute<MailTemplatePreview>('previewMailTemplate', { params, body: { subject, body } }) });
  const kinds = [...new Set((list.data?.items ?? []).map((item) => item.kind))];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">{t('mailTemplates.title')}</h1>
      <p>{t('mailTemplates.intro')}</p>
      <QueryState query={list} empty={null}>
        {() => (
          <div className="row wrap">
            <div className="field">
              <label htmlFor="template-kind">{t('mailTemplates.kind')}</label>
              <select id="template-kind" value={selected.kind} onChange={(event) => setSelected({ ...selected, kind: event.target.value })}>
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>{t(`mailTemplates.kinds.${kind}`, { defaultValue: kind })}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="template-language">{t('mailTemplates.language')}</label>
              <select id="template-language" value={selected.language} onChange={(event) => setSelected({ ...selected, language: event.target.value })}>
                <option value="en">{t('mailTemplates.languages.en')}</option>
                <option value="pl">{t('mailTemplates.languages.pl')}</option>
              </select>
            </div>
          </div>
        )}
      </QueryState>
      <QueryState query={detail} empty={null}>
        {(template) => (
          <form onSubmit={submit} className="panel">
            <p className="muted">
              {template.custom ? t('mailTemplates.custom', { version: template.version }) : t('mailTemplates.builtIn')} · {t('mailTemplates.placeholders')}: {template.placeholders.map((name) => `{{${name}}}`).join(' ')}
            </p>
            <div className="field">
              <label htmlFor="template-subject">{t('mailTemplates.subject')}</label>
              <input id="template-subject" type="text" maxLength={250} value={subject} onChange={(event) => setSubject(event.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="template-body">{t('mailTemplates.body')}</label>
              <textarea id="template-body" rows={12} maxLength={20000} value={body} onChange={(event) => setBody(event.target.value)} />
            </div>
            {save.isError ? <ErrorMessage error={save.error} /> : null}
            {reset.isError ? <ErrorMessage error={reset.error} /> : null}
            {preview.isError ? <ErrorMessage error={preview.error} /> : null}
            {save.isSuccess && !save.isPending ? <p role="status" className="notice notice-success">{t('common.saved')}</p> : null}
            <div className="row wrap">
              <button type="submit" disabled={save.isPending}>{t('common.save')}</button>
              <button type="button" className="secondary" disabled={preview.isPending} onClick={() => preview.mutate()}>{t('mailTemplates.preview')}</button>
              <button type="button" className="secondary" disabled={reset.isPending || !template.custom} onClick={() => reset.mutate()}>{t('mailTemplates.reset')}</button>
            </div>
            {preview.data ? (
              <section aria-label={t('mailTemplates.preview')}>
                <p role="status" className={preview.data.compliance.ok ? 'notice notice-success' : 'notice notice-error'}>
                  {preview.data.compliance.ok ? t('mailTemplates.compliant') : t('mailTemplates.blocked', { reason: noticeText(i18n, preview.data.compliance.notice as never, preview.data.compliance.message) })}
                </p>
                <p><strong>{preview.data.subject}</strong></p>
                <pre className="mail-body">{preview.data.text}</pre>
              </section>
            ) : null}
          </form>
        )}
      </QueryState>
    </section>
  );
}
