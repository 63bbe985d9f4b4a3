import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { GitRepository } from '../api/types';
import { useFirstScreenPainted } from '../first-screen';

/** How to clone the app's source from the marketplace's Git export, how to check its signed tags, and where it was last pushed. */
export function GitCloneLine({ appId }: { appId: string }) {
  const { t } = useTranslation();
  // Below the install panel: asked once the page's first screen has been painted.
  const painted = useFirstScreenPainted();
  const repository = useQuery({ queryKey: ['app', appId, 'git'], enabled: painted, queryFn: () => callRoute<GitRepository>('getAppGitRepository', { params: { id: appId } }) });
  if (!repository.isSuccess || repository.data.tags.length === 0) return null;
  const { cloneUrl, allowedSignersUrl, push } = repository.data;
  return (
    <>
      <p className="small" data-testid="git-clone">
        {t('appPage.gitClone')} <code>git clone {cloneUrl}</code>{' '}
        <span className="muted">
          {t('appPage.gitCredentials')} · <a href={allowedSignersUrl}>{t('appPage.gitAllowedSigners')}</a>
        </span>
      </p>
      {push?.remoteUrl ? (
        <p className={push.errorCode ? 'small notice notice-error' : 'small'} data-testid="git-push">
          {push.errorCode ? t('gitExport.appPushFailed', { remote: push.remoteUrl, error: t(`gitExport.errors.${push.errorCode}`, { defaultValue: push.error ?? push.errorCode }) }) : t('gitExport.appPushed', { remote: push.remoteUrl, version: push.lastPushedVersion ?? '—' })}
        </p>
      ) : null}
    </>
  );
}
