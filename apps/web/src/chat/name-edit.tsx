import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface NameEditProps {
  id: string;
  /** The button's text, and the input's label once open ("Rename the app"). */
  label: string;
  busy: boolean;
  /** The message for the engine, or null when the name says nothing new. */
  onSave: (name: string) => string | null;
  onEdit: (message: string) => void;
}

/** A button that opens one text input; saving sends the edit as a conversation turn. */
export function NameEdit({ id, label, busy, onSave, onEdit }: NameEditProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  if (!open) {
    return (
      <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const message = onSave(name);
    if (!message) return;
    onEdit(message);
    setName('');
    setOpen(false);
  };
  return (
    <form className="row inline-edit" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={name} maxLength={120} autoFocus onChange={(event) => setName(event.target.value)} />
      <button type="submit" disabled={busy || !name.trim()}>
        {t('chat.saveEdit')}
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
