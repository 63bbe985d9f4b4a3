import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-error';

/** A failed call as the user should see it: the server's detail, the request id, and a retry when it can help. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const api = error instanceof ApiError ? error : null;
  const detail = api ? api.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>{api?.status === 403 ? t('common.forbidden') : t('common.errorTitle')}</strong>
      </p>
      <p>{detail}</p>
      {api?.fieldErrors.length ? (
        <ul>
          {api.fieldErrors.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
      {api?.requestId ? <p className="muted small">{t('common.requestId', { id: api.requestId })}</p> : null}
      {onRetry && (!api || api.retryable) ? (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
