import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Enrollment } from '../api/types';
import { formatDate } from '../i18n/i18n';
import { ErrorMessage } from './error-message';
import { SecretBox } from './secret-box';

/** The command a workstation runs with a one-time enrolment code. */
export function enrolCommand(origin: string, code: string): string {
  return `npx marketplace-agent enroll --server ${origin} --code ${code}`;
}

/** "Enrol a workstation": a one-time code, shown once with the command line to copy. */
export function EnrolmentCode() {
  const { t, i18n } = useTranslation();
  const enrol = useMutation({ mutationFn: () => callRoute<Enrollment>('createEnrollment', { body: {} }) });
  return (
    <div className="panel">
      <h2>{t('deployments.enrolTitle')}</h2>
      <p className="muted">{t('deployments.enrolHint')}</p>
      <button type="button" onClick={() => enrol.mutate()} disabled={enrol.isPending}>
        {t('deployments.enrol')}
      </button>
      {enrol.isError ? <ErrorMessage error={enrol.error} onRetry={() => enrol.mutate()} /> : null}
      {enrol.data ? (
        <>
          <SecretBox label={t('deployments.enrolCode', { expires: formatDate(enrol.data.expiresAt, i18n.language) })} value={enrol.data.code} onClose={() => enrol.reset()} />
          <p className="small">{t('deployments.enrolRun')}</p>
          <pre className="code small" tabIndex={0} data-testid="enrol-command">
            {enrolCommand(globalThis.location?.origin ?? '', enrol.data.code)}
          </pre>
        </>
      ) : null}
    </div>
  );
}
