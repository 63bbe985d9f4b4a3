import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import type { AppDetail, AppFile, Page, Report } from '../api/types';
import { CodeView } from '../components/code-view';
import { ErrorMessage } from '../components/error-message';
import { FileTree } from '../components/file-tree';
import { EmptyState, Loading, QueryState } from '../components/query-state';
import { ReviewsSection } from '../components/reviews-section';
import { InstallButton } from '../components/install-button';
import { formatDate } from '../i18n/i18n';

function CodePreview({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  const files = useQuery({ queryKey: ['files', appId, version], queryFn: () => callRoute<Page<AppFile>>('listFiles', { params: { id: appId, version } }) });
  const content = useQuery({
    queryKey: ['file', appId, version, selected],
    enabled: selected !== null,
    queryFn: () => callRoute<string>('getFile', { params: { id: appId, version, path: selected! } }),
  });
  const code = content.data;
  const pane =
    selected === null ? (
      <p className="muted">{t('appPage.pickFile')}</p>
    ) : content.isError ? (
      <ErrorMessage error={content.error} onRetry={() => void content.refetch()} />
    ) : code === undefined ? (
      <Loading />
    ) : (
      <CodeView path={selected} code={typeof code === 'string' ? code : JSON.stringify(code, null, 2)} />
    );
  return (
    <section aria-labelledby="code-title" className="panel">
      <h2 id="code-title">{t('appPage.code')}</h2>
      <QueryState query={files} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('appPage.noFiles')} />}>
        {(data) => (
          <div className="code-preview">
            <FileTree files={data.items} selected={selected} onSelect={setSelected} label={t('appPage.files')} />
            <div className="code-pane">{pane}</div>
          </div>
        )}
      </QueryState>
    </section>
  );
}

function Reports({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const reports = useQuery({ queryKey: ['reports', appId, version], queryFn: () => callRoute<Page<Report>>('listReports', { params: { id: appId, version } }) });
  return (
    <section aria-labelledby="reports-title" className="panel">
      <h2 id="reports-title">{t('appPage.reports')}</h2>
      <QueryState query={reports} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('appPage.noReports')} />}>
        {(data) => (
          <ul className="plain">
            {data.items.map((report) => (
              <li key={report.name}>
                <strong>{report.name}</strong>: <span className={report.ok ? 'good' : 'bad'}>{report.ok ? t('appPage.passed') : t('appPage.failed')}</span>
                {report.findings?.length ? (
                  <ul>
                    {report.findings.map((finding, index) => (
                      <li key={index}>
                        [{finding.severity}] {finding.message} {finding.path ? <code>{finding.path}</code> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

export function AppPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const [version, setVersion] = useState<string | null>(null);
  const app = useQuery({ queryKey: ['app', id], queryFn: () => callRoute<AppDetail>('getApp', { params: { id } }) });
  const notFound = app.error instanceof ApiError && app.error.status === 404 && !app.error.notAvailable;
  return (
    <section>
      <p>
        <Link to="/">← {t('appPage.back')}</Link>
      </p>
      {notFound ? (
        <>
          <h1>{t('appPage.notFound')}</h1>
        </>
      ) : (
        <QueryState query={app} empty={<><h1>{t('nav.catalog')}</h1><EmptyState title={t('common.notAvailable')} /></>}>
          {(data) => {
            const current = data.versions.find((v) => v.version === version) ?? data.versions[0];
            return (
              <>
                <h1>{data.title}</h1>
                <p className="muted">
                  <span className="tag">{data.kind}</span> {data.name}
                </p>
                <p>{data.summary}</p>
                {current ? (
                  <div className="row wrap">
                    <InstallButton appId={data.id} version={current.version} />
                    <a className="button secondary" href={`/api/v1/apps/${encodeURIComponent(data.id)}/versions/${encodeURIComponent(current.version)}/download`}>
                      {t('appPage.download')}
                    </a>
                  </div>
                ) : null}
                <section aria-labelledby="versions-title" className="panel">
                  <h2 id="versions-title">{t('appPage.versions')}</h2>
                  <ul className="plain versions">
                    {data.versions.map((v) => (
                      <li key={v.version}>
                        <button type="button" className="link" aria-pressed={v.version === current?.version} onClick={() => setVersion(v.version)}>
                          v{v.version}
                        </button>{' '}
                        <span className="muted small">{formatDate(v.createdAt, i18n.language, '')}</span>{' '}
                        <span className="small">{v.keyId ? t('appPage.signature', { keyId: v.keyId }) : t('appPage.unsigned')}</span>
                        {v.changelog ? <p className="small">{v.changelog}</p> : null}
                      </li>
                    ))}
                  </ul>
                </section>
                {current ? (
                  <>
                    <CodePreview appId={data.id} version={current.version} />
                    <Reports appId={data.id} version={current.version} />
                  </>
                ) : null}
                <ReviewsSection appId={data.id} />
              </>
            );
          }}
        </QueryState>
      )}
    </section>
  );
}
