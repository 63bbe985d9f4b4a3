import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { ApiError } from '../../api/api-error';
import type { ConfigExport, Settings } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { QueryState } from '../../components/query-state';

/** Text settings where empty means "none" (null); other text settings keep the empty text. */
const NULLABLE = new Set(['llm.activeProvider']);

/** Settings whose values are one of a few words. */
const CHOICES: Record<string, string[]> = { 'mail.unknownSenders': ['reply-once', 'ignore'], 'mail.language': ['en', 'pl'], 'inbox.reporterChanges': ['off', 'with-owner-approval', 'allowed'] };

function SettingInput({ section, name, value, onChange }: { section: string; name: string; value: unknown; onChange: (value: unknown) => void }) {
  const { t } = useTranslation();
  const id = `setting-${section}-${name}`;
  const label = t(`admin.settings.${name}`, { defaultValue: name });
  const choices = CHOICES[`${section}.${name}`];
  if (typeof value === 'boolean') {
    return (
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value} onChange={(event) => onChange(event.target.checked)} /> {label}
      </label>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {choices ? (
        <select id={id} value={String(value)} onChange={(event) => onChange(event.target.value)}>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {t(`admin.settingChoices.${name}.${choice}`, { defaultValue: choice })}
            </option>
          ))}
        </select>
      ) : Array.isArray(value) ? (
        <input id={id} type="text" value={value.join(', ')} onChange={(event) => onChange(event.target.value.split(',').map((item) => item.trim()).filter(Boolean))} />
      ) : typeof value === 'number' ? (
        <input id={id} type="number" value={Number.isFinite(value) ? value : ''} onChange={(event) => onChange(event.target.value === '' ? Number.NaN : Number(event.target.value))} />
      ) : (
        <input id={id} type="text" value={value === null || value === undefined ? '' : String(value)} onChange={(event) => onChange(event.target.value === '' && NULLABLE.has(`${section}.${name}`) ? null : event.target.value)} />
      )}
    </div>
  );
}

export function ConfigPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: ['config'], queryFn: () => callRoute<{ settings: Settings }>('getConfig') });
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => {
    if (config.data) setDraft(structuredClone(config.data.settings));
  }, [config.data]);
  const done = (data: { settings: Settings }) => queryClient.setQueryData(['config'], data);
  const save = useMutation({ mutationFn: (settings: Settings) => callRoute<{ settings: Settings }>('putConfig', { body: { settings } }), onSuccess: done });
  const importFile = useMutation({
    mutationFn: async (file: File) => {
      let body: ConfigExport;
      try {
        body = JSON.parse(await file.text()) as ConfigExport;
      } catch {
        throw new ApiError({ status: 400, code: 'IMPORT_NOT_JSON', detail: `${file.name} is not JSON: pick a file made with Export.` });
      }
      return callRoute<{ settings: Settings }>('importConfig', { body });
    },
    onSuccess: done,
  });
  const exportFile = async () => {
    const data = await callRoute<ConfigExport>('exportConfig');
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'marketplace-config.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft) save.mutate(draft);
  };
  const onImport = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) importFile.mutate(file);
    event.target.value = '';
  };
  return (
    <section aria-labelledby="config-title">
      <h1 id="config-title">{t('admin.config')}</h1>
      <QueryState query={config} empty={null}>
        {() =>
          draft ? (
            <form onSubmit={submit}>
              {/* The policy has its own page (lists and choices need more than one input each). */}
              {Object.entries(draft).filter(([section]) => section !== 'policy').map(([section, values]) => (
                <fieldset key={section} className="panel">
                  <legend>{t(`admin.sections.${section}`, { defaultValue: section })}</legend>
                  {Object.entries(values).map(([name, value]) => (
                    <SettingInput key={name} section={section} name={name} value={value} onChange={(next) => setDraft({ ...draft, [section]: { ...values, [name]: next } })} />
                  ))}
                </fieldset>
              ))}
              {save.isError ? <ErrorMessage error={save.error} /> : null}
              {save.isSuccess && !save.isPending ? (
                <p role="status" className="notice notice-success">
                  {t('common.saved')}
                </p>
              ) : null}
              <div className="row wrap">
                <button type="submit" disabled={save.isPending}>
                  {t('common.save')}
                </button>
                <button type="button" className="secondary" onClick={() => void exportFile()}>
                  {t('admin.export')}
                </button>
                <label className="button secondary file-button">
                  {t('admin.import')}
                  <input type="file" accept="application/json,.json" className="visually-hidden" onChange={onImport} />
                </label>
              </div>
              {importFile.isError ? <ErrorMessage error={importFile.error} /> : null}
              {importFile.isSuccess ? <p role="status">{t('admin.imported')}</p> : null}
            </form>
          ) : null
        }
      </QueryState>
    </section>
  );
}
