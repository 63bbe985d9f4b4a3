import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Deployment, QueuedDelivery } from '../api/types';
import { ConfirmButton } from './confirm-button';
import { ErrorMessage } from './error-message';

/** Sends this deployment's version to its workstation again (a new release e-mail). */
export function RedeployButton({ deployment, name }: { deployment: Deployment; name: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const redeploy = useMutation({
    mutationFn: () => callRoute<{ delivery: QueuedDelivery }>('redeployDeployment', { params: { id: deployment.id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
  if (!deployment.appId) return null;
  return (
    <>
      <ConfirmButton question={t('deployments.redeployQuestion', { name, version: deployment.version })} onConfirm={() => redeploy.mutate()} disabled={redeploy.isPending}>
        {t('deployments.redeploy')}
        <span className="visually-hidden"> {name}</span>
      </ConfirmButton>
      {redeploy.isSuccess ? <p role="status" className="small">{t(redeploy.data.delivery.existing ? 'deployments.redeployWaiting' : 'deployments.redeployQueued')}</p> : null}
      {redeploy.isError ? <ErrorMessage error={redeploy.error} /> : null}
    </>
  );
}
