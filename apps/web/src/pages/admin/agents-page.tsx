import { useTranslation } from 'react-i18next';
import { AgentsTable } from '../../components/agents-table';
import { EnrolmentCode } from '../../components/enrolment-code';

/** Every deploy agent of the organisation, revocable, and below them enrolment codes. */
export function AgentsPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="admin-agents-title">
      <h1 id="admin-agents-title">{t('admin.agents')}</h1>
      {/* the table first, the enrolment code below it: the empty table's hint says "below", as on Deployments */}
      <AgentsTable titleId="admin-agents-title" showOwner />
      <EnrolmentCode />
    </section>
  );
}
