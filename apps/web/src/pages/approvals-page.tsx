import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Approval } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorMessage } from '../components/error-message';
import { noticeText } from '../components/notice-text';
import { QueryState } from '../components/query-state';

function JsonDetails({ label, value }: { label: string; value: Record<string, unknown> | null }) {
  if (!value) return null;
  return (
    <details>
      <summary>{label}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** One waiting approval: what is asked, why it waits, the hosts it reaches, the spec and the scan report, and the decision. */
function ApprovalCard({ approval }: { approval: Approval }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (verb: 'approve' | 'reject') =>
      callRoute<Approval>(verb === 'approve' ? 'approveApproval' : 'rejectApproval', { params: { id: approval.id }, body: verb === 'approve' ? {} : { reason } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['approvals'] }),
  });
  const titleId = `approval-${approval.id}`;
  const verdict = (approval.scanReport as { verdict?: string } | null)?.verdict;
  return (
    <li className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t(`approvals.kinds.${approval.kind}`)}: {approval.app} {approval.version ?? ''}
      </h2>
      <p>
        <strong>{t('approvals.reasons')}</strong>
      </p>
      <ul>
        {approval.reasons.map((reason) => (
          <li key={reason.code}>{noticeText(i18n, reason.notice, reason.message)}</li>
        ))}
      </ul>
      <p>
        <strong>{t('approvals.hosts')}:</strong> {approval.hosts.length ? approval.hosts.join(', ') : t('approvals.noHosts')}
      </p>
      {verdict ? <p>{t('approvals.scanVerdict', { verdict })}</p> : null}
      <JsonDetails label={t('approvals.spec')} value={approval.spec} />
      <JsonDetails label={t('approvals.scan')} value={approval.scanReport} />
      <div className="field">
        <label htmlFor={`${titleId}-reason`}>{t('approvals.rejectReason')}</label>
        <textarea id={`${titleId}-reason`} value={reason} maxLength={2000} rows={2} onChange={(event) => setReason(event.target.value)} />
      </div>
      {decide.isError ? <ErrorMessage error={decide.error} /> : null}
      <div className="row wrap">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
          {t('approvals.approve')}
        </button>
        <button type="button" className="secondary" disabled={decide.isPending || reason.trim().length < 3} onClick={() => decide.mutate('reject')}>
          {t('approvals.reject')}
        </button>
      </div>
    </li>
  );
}

/** What waits for a reviewer: requests before publishing and releases sent to others. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const allowed = hasRole('reviewer');
  const approvals = useQuery({ queryKey: ['approvals'], queryFn: () => callRoute<{ items: Approval[] }>('listApprovals'), enabled: allowed });
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">{t('approvals.title')}</h1>
      {allowed ? (
        <QueryState query={approvals} empty={<p>{t('approvals.empty')}</p>} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <ul className="plain">
              {data.items.map((approval) => (
                <ApprovalCard key={approval.id} approval={approval} />
              ))}
            </ul>
          )}
        </QueryState>
      ) : (
        <p className="notice notice-error" role="alert">
          {t('approvals.forbidden')}
        </p>
      )}
    </section>
  );
}
