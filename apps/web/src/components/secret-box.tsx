import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret shown once, with a copy button; dismissing it forgets it. */
export function SecretBox({ label, value, onClose }: { label: string; value: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice notice-success secret" role="status">
      <p>{label}</p>
      <code className="secret-value" data-testid="secret-value">
        {value}
      </code>
      <div className="row">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? t('common.copied') : t('common.copy')}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
