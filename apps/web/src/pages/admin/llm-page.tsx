import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { LlmProvider, LlmSettings, LlmUsage } from '../../api/types';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { QueryState, EmptyState } from '../../components/query-state';
import { formatNumber } from '../../i18n/i18n';

const KINDS = ['openai', 'openai-compatible', 'anthropic', 'ollama'] as const;

/** The stored form of a provider for PUT: no apiKey keeps the stored one (secrets are write-only). */
export function providerInputs(providers: LlmProvider[]) {
  return providers
    .filter((p) => p.kind !== 'builtin')
    .map((p) => ({ id: p.id, kind: p.kind, ...(p.baseUrl ? { baseUrl: p.baseUrl } : {}), ...(p.defaultModel ? { defaultModel: p.defaultModel } : {}), ...(p.largeModel ? { largeModel: p.largeModel } : {}) }));
}

function Models({ provider }: { provider: string }) {
  const { t } = useTranslation();
  const models = useMutation({ mutationFn: () => callRoute<{ models: string[] }>('getLlmModels', { query: { provider } }) });
  return (
    <div>
      <button type="button" className="link" onClick={() => models.mutate()} disabled={models.isPending}>
        {t('admin.llm.listModels')}
        <span className="visually-hidden"> {provider}</span>
      </button>
      {models.data ? <p className="small">{models.data.models.join(', ') || t('common.none')}</p> : null}
      {models.isError ? <ErrorMessage error={models.error} /> : null}
    </div>
  );
}

function Usage() {
  const { t, i18n } = useTranslation();
  const usage = useQuery({ queryKey: ['llm-usage'], queryFn: () => callRoute<LlmUsage>('getLlmUsage', { query: { period: 'month' } }) });
  const n = (value: number, options: Intl.NumberFormatOptions = {}) => formatNumber(value, i18n.language, options);
  return (
    <section aria-labelledby="llm-usage-title" className="panel">
      <h2 id="llm-usage-title">{t('admin.llm.usage')}</h2>
      <QueryState query={usage} empty={<EmptyState title={t('common.notAvailable')} />}>
        {(data) => (
          <>
            <p>{t('admin.llm.usageTotals', { calls: n(data.totals.calls), tokens: n(data.totals.inputTokens + data.totals.outputTokens), cost: n(data.totals.costUsd, { style: 'currency', currency: 'USD' }) })}</p>
            <DataTable
              labelledBy="llm-usage-title"
              stack={false}
              empty={null}
              rows={data.byModel}
              rowKey={(row) => row.key ?? '—'}
              columns={[
                { key: 'model', header: t('admin.llm.model'), cell: (row) => row.key ?? '—' },
                { key: 'calls', header: t('admin.llm.calls'), cell: (row) => n(row.calls) },
                { key: 'cost', header: t('admin.llm.cost'), cell: (row) => n(row.costUsd, { style: 'currency', currency: 'USD' }) },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

/** LLM providers (API keys write-only), the active one, and this month's usage. */
export function LlmPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['llm-providers'], queryFn: () => callRoute<LlmSettings>('getLlmProviders') });
  const [form, setForm] = useState({ id: '', kind: 'openai-compatible', baseUrl: '', apiKey: '', defaultModel: '' });
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => callRoute<LlmSettings>('putLlmProviders', { body }),
    onSuccess: (data) => {
      queryClient.setQueryData(['llm-providers'], data);
      setForm({ id: '', kind: 'openai-compatible', baseUrl: '', apiKey: '', defaultModel: '' });
    },
  });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const others = providerInputs(settings.data?.providers ?? []).filter((p) => p.id !== form.id);
    const added = { id: form.id.trim(), kind: form.kind, ...(form.baseUrl ? { baseUrl: form.baseUrl.trim() } : {}), ...(form.apiKey ? { apiKey: form.apiKey } : {}), ...(form.defaultModel ? { defaultModel: form.defaultModel.trim() } : {}) };
    save.mutate({ providers: [...others, added] });
  };
  return (
    <section aria-labelledby="llm-title">
      <h1 id="llm-title">{t('admin.llm.title')}</h1>
      <QueryState query={settings} empty={<EmptyState title={t('common.notAvailable')} />}>
        {(data) => (
          <>
            <p className="muted">{t(`admin.llm.source.${data.source}`)}</p>
            <div className="field">
              <label htmlFor="llm-active">{t('admin.llm.active')}</label>
              <select id="llm-active" value={data.active ?? ''} onChange={(event) => save.mutate({ active: event.target.value || null })} disabled={save.isPending || data.source === 'environment'}>
                <option value="">{t('admin.llm.defaultProvider')}</option>
                {data.providers.filter((p) => p.kind !== 'builtin').map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.id}
                  </option>
                ))}
              </select>
            </div>
            <DataTable
              labelledBy="llm-title"
              rows={data.providers}
              rowKey={(p) => p.id}
              columns={[
                {
                  key: 'name',
                  header: t('common.name'),
                  cell: (p) => (
                    <>
                      <strong>{p.kind === 'builtin' ? t('admin.llm.kinds.builtin') : p.id}</strong> {p.baseUrl ? <span className="muted small">{p.baseUrl}</span> : null}
                    </>
                  ),
                },
                { key: 'kind', header: t('admin.llm.kind'), cell: (p) => t(`admin.llm.kinds.${p.kind}`, { defaultValue: p.kind }) },
                {
                  key: 'model',
                  header: t('admin.llm.model'),
                  cell: (p) => (
                    <>
                      {p.kind === 'builtin' ? '—' : (p.defaultModel ?? '—')}
                      {p.kind !== 'builtin' ? <Models provider={p.id} /> : null}
                    </>
                  ),
                },
                { key: 'api-key', header: t('admin.llm.apiKey'), cell: (p) => (p.kind === 'builtin' ? '—' : p.hasApiKey ? t('admin.llm.configured') : t('admin.llm.notConfigured')) },
                {
                  key: 'status',
                  header: t('common.status'),
                  cell: (p) => (
                    <>
                      <span className={p.breaker === 'closed' ? 'good' : 'bad'}>{t(`admin.llm.breakers.${p.breaker}`, { defaultValue: p.breaker })}</span>
                      {p.lastErrorCode ? <span className="small bad"> {p.lastErrorCode}</span> : null}
                    </>
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryState>
      <form onSubmit={submit} className="panel">
        <h2>{t('admin.llm.addProvider')}</h2>
        <FormField label={t('admin.llm.providerId')} required maxLength={63} value={form.id} onChange={set('id')} hint={t('admin.llm.providerIdHint')} />
        <div className="field">
          <label htmlFor="llm-kind">{t('admin.llm.kind')}</label>
          <select id="llm-kind" value={form.kind} onChange={set('kind')}>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`admin.llm.kinds.${kind}`, { defaultValue: kind })}
              </option>
            ))}
          </select>
        </div>
        <FormField label={t('admin.llm.baseUrl')} type="url" value={form.baseUrl} onChange={set('baseUrl')} />
        <FormField label={t('admin.llm.apiKey')} type="password" autoComplete="off" value={form.apiKey} onChange={set('apiKey')} hint={t('admin.llm.apiKeyHint')} />
        <FormField label={t('admin.llm.model')} value={form.defaultModel} onChange={set('defaultModel')} />
        {save.isError ? <ErrorMessage error={save.error} /> : null}
        {save.isSuccess ? <p role="status">{t('common.saved')}</p> : null}
        <button type="submit" disabled={save.isPending || !form.id.trim()}>
          {t('common.save')}
        </button>
      </form>
      <Usage />
    </section>
  );
}
