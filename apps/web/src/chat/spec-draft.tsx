import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES, addFieldMessage, draftFields, draftSchedule, fieldTypeMessage, moveFieldMessage, removeFieldMessage, renameAppMessage, renameEntityMessage, renameFieldMessage, scheduleMessage, type FieldType } from './spec-edits';
import { NameEdit } from './name-edit';

interface SpecDraftProps {
  spec: Record<string, unknown> | null;
  missing: string[];
  /** The conversation's language: edits are worded in it. */
  language: string;
  /** The schedule in words (the server says it); the cron expression stays beside it as code. */
  scheduleText?: string | null | undefined;
  busy: boolean;
  onEdit: (message: string) => void;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The AppSpec draft beside the chat: what it says so far, with field types and the schedule editable. */
export function SpecDraft({ spec, missing, language, scheduleText, busy, onEdit }: SpecDraftProps) {
  const { t } = useTranslation();
  const [schedule, setSchedule] = useState('');
  if (!spec || !Object.keys(spec).length) return <p className="muted">{t('chat.noDraft')}</p>;
  const fields = draftFields(spec);
  const current = draftSchedule(spec);
  const kind = str(spec.kind);
  const submitSchedule = (event: FormEvent) => {
    event.preventDefault();
    const message = scheduleMessage(language, schedule);
    if (message) {
      onEdit(message);
      setSchedule('');
    }
  };
  return (
    <div className="spec-draft" data-testid="spec-draft">
      <dl className="facts">
        <dt>{t('chat.specTitle')}</dt>
        <dd>
          {str(spec.title) || '—'} <NameEdit id="rename-app" label={t('chat.renameApp')} busy={busy} onSave={(name) => renameAppMessage(language, name)} onEdit={onEdit} />
        </dd>
        {fields[0] ? (
          <>
            <dt>{t('chat.records')}</dt>
            <dd>
              {fields[0].entityLabel} <NameEdit id="rename-records" label={t('chat.renameRecords')} busy={busy} onSave={(name) => renameEntityMessage(language, name)} onEdit={onEdit} />
            </dd>
          </>
        ) : null}
        <dt>{t('catalog.kind')}</dt>
        <dd>{kind ? t(`kinds.${kind}`, { defaultValue: kind }) : '—'}</dd>
        {str(spec.summary) ? (
          <>
            <dt>{t('chat.specSummary')}</dt>
            <dd>{str(spec.summary)}</dd>
          </>
        ) : null}
      </dl>
      {fields.length ? (
        <fieldset>
          <legend>{t('chat.fields')}</legend>
          {fields.map((field, index) => {
            const id = `field-${field.entity}-${field.name}`;
            // Moves stay within the field's own records.
            const above = fields[index - 1]?.entity === field.entity ? fields[index - 1] : undefined;
            const below = fields[index + 1]?.entity === field.entity ? fields[index + 1] : undefined;
            return (
              <div className="field inline" key={id}>
                <label htmlFor={id}>
                  {field.label} <span className="muted small">({field.entityLabel})</span>
                </label>
                <select
                  id={id}
                  value={field.type}
                  disabled={busy}
                  onChange={(event) => {
                    const message = fieldTypeMessage(language, field, event.target.value as FieldType);
                    if (message) onEdit(message);
                  }}
                >
                  {FIELD_TYPES.filter((type) => type !== 'enum' || field.type === 'enum').map((type) => (
                    <option key={type} value={type}>
                      {t(`chat.fieldTypes.${type}`)}
                    </option>
                  ))}
                </select>
                <NameEdit id={`${id}-rename`} label={t('chat.renameField', { field: field.label })} busy={busy} onSave={(name) => renameFieldMessage(language, field, name)} onEdit={onEdit} />
                {above ? (
                  <button type="button" className="secondary small" disabled={busy} aria-label={t('chat.moveFieldUp', { field: field.label })} title={t('chat.moveFieldUp', { field: field.label })} onClick={() => onEdit(moveFieldMessage(language, field, 'before', above))}>
                    ↑
                  </button>
                ) : null}
                {below ? (
                  <button type="button" className="secondary small" disabled={busy} aria-label={t('chat.moveFieldDown', { field: field.label })} title={t('chat.moveFieldDown', { field: field.label })} onClick={() => onEdit(moveFieldMessage(language, field, 'after', below))}>
                    ↓
                  </button>
                ) : null}
                <button type="button" className="secondary small" disabled={busy} onClick={() => onEdit(removeFieldMessage(language, field))}>
                  {t('chat.removeField', { field: field.label })}
                </button>
              </div>
            );
          })}
          <NameEdit id="add-field" label={t('chat.addField')} busy={busy} onSave={(name) => addFieldMessage(language, name)} onEdit={onEdit} />
        </fieldset>
      ) : null}
      {current || kind === 'automation' || kind === 'data-tool' ? (
        <form onSubmit={submitSchedule} className="schedule-form">
          <p className="small">
            {t('chat.schedule')}:{' '}
            {current ? (
              scheduleText ? (
                <>
                  {scheduleText} <code className="muted">{current.cron}</code>
                </>
              ) : (
                <code>{current.cron}</code>
              )
            ) : (
              t('common.none')
            )}{' '}
            {current?.timezone ? <span className="muted">({current.timezone})</span> : null}
          </p>
          <div className="field">
            <label htmlFor="schedule-words">{t('chat.newSchedule')}</label>
            <input id="schedule-words" value={schedule} maxLength={200} onChange={(event) => setSchedule(event.target.value)} aria-describedby="schedule-hint" />
            <p id="schedule-hint" className="hint">
              {t('chat.scheduleHint')}
            </p>
          </div>
          <button type="submit" className="secondary" disabled={busy || !schedule.trim()}>
            {t('chat.changeSchedule')}
          </button>
        </form>
      ) : null}
      {missing.length ? <p className="small notice">{t('chat.missing', { fields: missing.map((slot) => t(`chat.missingSlots.${slot.replaceAll('.', ':')}`, { defaultValue: slot })).join(', ') })}</p> : null}
      <details>
        <summary>{t('chat.showSpec')}</summary>
        <pre className="code small" tabIndex={0}>{JSON.stringify(spec, null, 2)}</pre>
      </details>
    </div>
  );
}
