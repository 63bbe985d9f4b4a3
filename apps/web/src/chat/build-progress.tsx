import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { usePollInterval } from '../api/live-events';
import type { PipelineRequest } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { noticeText } from '../components/notice-text';
import { formatNumber } from '../i18n/i18n';
import { finished, stagesOf } from './pipeline-stages';

/** "Build this app": the pipeline's stages as they run, live or polled. */
export function BuildProgress({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const poll = usePollInterval(1500);
  const request = useQuery({
    queryKey: ['request', requestId],
    queryFn: () => callRoute<PipelineRequest>('getRequest', { params: { id: requestId } }),
    refetchInterval: (query) => (finished(query.state.data) ? false : poll),
  });
  const data = request.data;
  const queryClient = useQueryClient();
  // A published app belongs in the catalog now, whether or not live events reach this page.
  const publishedApp = data?.state === 'published' ? data.appId : null;
  useEffect(() => {
    if (!publishedApp) return;
    void queryClient.invalidateQueries({ queryKey: ['apps'] });
    void queryClient.invalidateQueries({ queryKey: ['app', publishedApp] });
  }, [publishedApp, queryClient]);
  return (
    <section aria-labelledby="progress-title" className="panel">
      <h2 id="progress-title">{t('chat.progress')}</h2>
      {request.isError ? <ErrorMessage error={request.error} onRetry={() => void request.refetch()} /> : null}
      <ol className="steps" data-testid="build-steps">
        {stagesOf(data).map((stage) => (
          <li key={stage.name} className={`step step-${stage.state}`}>
            <strong>{t(`chat.stages.${stage.name}`)}</strong> <span className="muted small">{t(stage.notAutomatic ? 'chat.stageStates.notAutomatic' : stage.state === 'done' && stage.sent !== undefined ? 'chat.stageStates.sentTo' : `chat.stageStates.${stage.state}`, { count: stage.sent })}</span>
            {stage.durationMs !== null ? <span className="muted small"> · {formatNumber(stage.durationMs / 1000, i18n.language, { maximumFractionDigits: 1 })} s</span> : null}
            {stage.error ? <p className="bad small">{noticeText(i18n, stage.errorNotice, stage.error)}</p> : null}
          </li>
        ))}
      </ol>
      <p role="status" aria-live="polite" className="small">
        {data ? t(`chat.requestStates.${data.state}`, { defaultValue: data.state }) : null}
      </p>
      {data?.error ? <p className="bad">{noticeText(i18n, data.error.notice, data.error.message)}</p> : null}
      {data?.appId ? (
        <Link className="button" to={`/apps/${encodeURIComponent(data.appId)}`}>
          {t('chat.openApp', { version: data.version ?? '' })}
        </Link>
      ) : null}
    </section>
  );
}
