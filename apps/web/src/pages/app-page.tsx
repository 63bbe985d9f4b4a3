import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';
import { routePath } from '../api/api-routes';
import { ApiDescription } from '../app-page/api-description';
import { agentsQuery, appQuery } from '../app-page/app-query';
import { CodePreview } from '../app-page/code-preview';
import { DistributePanel } from '../app-page/distribute-panel';
import { GitCloneLine } from '../app-page/git-clone-line';
import { McpToolsSection } from '../app-page/mcp-tools-section';
import { OwnersSection } from '../app-page/owners-section';
import { MyDeployments } from '../app-page/my-deployments';
import { VersionChangelog } from '../app-page/version-changelog';
import { VersionReports } from '../app-page/version-reports';
import { EmptyState, Loading, QueryState } from '../components/query-state';
import { ReviewsSection } from '../components/reviews-section';
import { WhenVisible } from '../components/when-visible';
import { useFirstScreenPainted, useFirstScreenRendered } from '../first-screen';
import { formatDate, formatNumber } from '../i18n/i18n';

export function AppPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { id = '' } = useParams();
  const [version, setVersion] = useState<string | null>(null);
  const app = useQuery(appQuery(id));
  // The install panel near the top shows either an Install button or (no workstation yet) a taller
  // enrolment hint: the page waits for the agents with the app (both asked at once, see
  // preloadFirstPage), so nothing below jumps when they answer. A refusal is the panel's to show.
  const agents = useQuery(agentsQuery());
  useFirstScreenRendered(!app.isPending && !agents.isPending);
  // Below the first screen (tools, versions, the sections that load when scrolled to): rendered once it
  // has been painted, in a task of their own instead of inside the render that paints it.
  const painted = useFirstScreenPainted();
  const notFound = app.error instanceof ApiError && (app.error.status === 404 || app.error.status === 400) && !app.error.notAvailable;
  return (
    <section>
      <p>
        <Link to="/">← {t('appPage.back')}</Link>
      </p>
      {notFound ? (
        <h1>{t('appPage.notFound')}</h1>
      ) : app.isSuccess && agents.isPending ? (
        <Loading />
      ) : (
        <QueryState
          query={app}
          empty={
            <>
              <h1>{t('nav.catalog')}</h1>
              <EmptyState title={t('common.notAvailable')} />
            </>
          }
        >
          {(data) => {
            const current = data.versions.find((v) => v.version === version) ?? data.versions[0];
            const params = current ? { id: data.id, version: current.version } : null;
            return (
              <>
                <h1>{data.title}</h1>
                <p className="muted">
                  <span className="tag">{t(`kinds.${data.kind}`, { defaultValue: data.kind })}</span>{' '}
                  {/* the app's identifier: what commands and the Git address call it, so shown as code and said on hover */}
                  <code title={t('appPage.nameInCommands')} data-testid="app-name">
                    {data.name}
                  </code>
                  {data.authorName ? ` · ${t('appPage.by', { name: data.authorName })}` : ''}
                </p>
                <p>{data.summary}</p>
                <p className="stats small">
                  <span>{data.rating !== null ? t('catalog.rating', { value: formatNumber(data.rating, lang, { maximumFractionDigits: 1 }) }) : t('catalog.unrated')}</span>
                  <span>{t('catalog.installs', { count: data.installs })}</span>
                  {data.health ? <span>{t('appPage.health', { healthy: data.health.healthy, unhealthy: data.health.unhealthy })}</span> : null}
                </p>
                {params ? (
                  <>
                    <DistributePanel appId={data.id} version={params.version} />
                    <MyDeployments appId={data.id} title={data.title} />
                    <div className="row wrap">
                      <a className="button secondary" href={routePath('downloadBundle', params)} download>
                        {t('appPage.downloadBundle')}
                      </a>
                      <a className="button secondary" href={routePath('downloadRelease', params)} download>
                        {t('appPage.downloadRelease')}
                      </a>
                    </div>
                    <GitCloneLine appId={data.id} />
                  </>
                ) : null}
                {painted ? (
                  <>
                    <McpToolsSection spec={data.spec} />
                    <section aria-labelledby="versions-title" className="panel">
                      <h2 id="versions-title">{t('appPage.versions')}</h2>
                      {data.versions.length === 0 ? <p className="muted">{t('appPage.noVersions')}</p> : null}
                      <ul className="plain versions">
                        {data.versions.map((v) => (
                          <li key={v.version}>
                            <button type="button" className="link" aria-pressed={v.version === current?.version} onClick={() => setVersion(v.version)}>
                              v{v.version}
                            </button>{' '}
                            <span className="muted small">{formatDate(v.publishedAt, lang, '')}</span>{' '}
                            <span className="small">{t('appPage.signature', { keyId: v.keyId.slice(0, 16) })}</span>{' '}
                            <span className={`small ${v.validation.ok ? 'good' : 'bad'}`}>{v.validation.ok ? t('appPage.validated') : t('appPage.notValidated')}</span>{' '}
                            <span className={`small ${v.scan.verdict === 'clean' ? 'good' : 'bad'}`}>{t(`appPage.verdicts.${v.scan.verdict}`, { defaultValue: v.scan.verdict })}</span>
                            <VersionChangelog entries={v.changelogEntries} text={v.changelog} />
                          </li>
                        ))}
                      </ul>
                    </section>
                    {params ? (
                      <>
                        <WhenVisible title={t('appPage.code')} minHeight="20rem">
                          <CodePreview appId={data.id} version={params.version} />
                        </WhenVisible>
                        {data.kind === 'api-service' ? (
                          <WhenVisible title={t('appPage.api.title')}>
                            <ApiDescription appId={data.id} version={params.version} />
                          </WhenVisible>
                        ) : null}
                        <WhenVisible title={t('appPage.reports')}>
                          <VersionReports appId={data.id} version={params.version} />
                        </WhenVisible>
                      </>
                    ) : null}
                    <WhenVisible title={t('appPage.owners')}>
                      <OwnersSection appId={data.id} />
                    </WhenVisible>
                    <WhenVisible title={t('appPage.reviews')}>
                      <ReviewsSection appId={data.id} />
                    </WhenVisible>
                  </>
                ) : null}
              </>
            );
          }}
        </QueryState>
      )}
    </section>
  );
}
