import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { useSession } from '../auth/session';
import { ErrorMessage } from './error-message';

/** Send a version to the signed-in user's own workstation(s). */
export function InstallButton({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const install = useMutation({
    mutationFn: () => callRoute('distribute', { params: { id: appId, version }, body: { userIds: [me?.user?.id] } }),
  });
  return (
    <div>
      <button type="button" onClick={() => install.mutate()} disabled={install.isPending || install.isSuccess}>
        {install.isSuccess ? t('appPage.installed') : t('appPage.install')}
      </button>
      {install.isError ? <ErrorMessage error={install.error} /> : null}
    </div>
  );
}
