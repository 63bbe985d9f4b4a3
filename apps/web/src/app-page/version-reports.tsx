import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Notice, VersionDetail } from '../api/types';
import { noticeText } from '../components/notice-text';
import { QueryState, EmptyState } from '../components/query-state';
import { formatNumber } from '../i18n/i18n';

interface ValidationStep {
  name: string;
  ok: boolean;
  durationMs?: number;
  detail?: string;
  notice?: Notice;
  output?: string;
}
interface ScannerVerdict {
  name: string;
  verdict: string;
  detail?: string;
  notice?: Notice;
  findings?: { rule: string; path: string; line: number; excerpt: string }[];
}

/** The signing key ids of a DSSE envelope. */
export function signatureKeyIds(release: Record<string, unknown>): string[] {
  const signatures = Array.isArray(release.signatures) ? (release.signatures as { keyid?: unknown }[]) : [];
  return signatures.map((s) => s.keyid).filter((id): id is string => typeof id === 'string');
}

/** A version's validation and scan reports, and the signature of its release. */
export function VersionReports({ appId, version }: { appId: string; version: string }) {
  const { t, i18n } = useTranslation();
  const detail = useQuery({ queryKey: ['version', appId, version], queryFn: () => callRoute<VersionDetail>('getVersion', { params: { id: appId, version } }) });
  return (
    <section aria-labelledby="reports-title" className="panel">
      <h2 id="reports-title">{t('appPage.reports')}</h2>
      <QueryState query={detail} empty={<EmptyState title={t('appPage.noReports')} />}>
        {(data) => {
          const steps = (Array.isArray(data.validationReport.steps) ? data.validationReport.steps : []) as ValidationStep[];
          const scanners = (Array.isArray(data.scanReport.scanners) ? data.scanReport.scanners : []) as ScannerVerdict[];
          const keyIds = signatureKeyIds(data.release);
          return (
            <>
              <h3>
                {t('appPage.validation')}: <span className={data.validation.ok ? 'good' : 'bad'}>{data.validation.ok ? t('appPage.passed') : t('appPage.failed')}</span>
              </h3>
              <ul className="plain">
                {steps.map((step) => (
                  <li key={step.name}>
                    <span className={step.ok ? 'good' : 'bad'}>{step.ok ? '✓' : '✗'}</span> <strong>{t(`appPage.steps.${step.name}`, { defaultValue: step.name })}</strong>
                    {step.durationMs !== undefined ? <span className="muted small"> · {formatNumber(step.durationMs / 1000, i18n.language, { maximumFractionDigits: 1 })} s</span> : null}
                    {/* A passed check is worded in the UI's language; a failure is the tool's own message, shown as written. */}
                    {step.notice ? <span className="small"> — {noticeText(i18n, step.notice, step.detail)}</span> : step.detail ? <span className="small"> — <samp>{step.detail}</samp></span> : null}
                    {step.output ? <pre className="code small">{step.output}</pre> : null}
                  </li>
                ))}
              </ul>
              <h3>
                {t('appPage.scan')}: <span className={data.scan.verdict === 'clean' ? 'good' : 'bad'}>{t(`appPage.verdicts.${data.scan.verdict}`, { defaultValue: data.scan.verdict })}</span>
              </h3>
              <ul className="plain">
                {scanners.map((scanner) => (
                  <li key={scanner.name}>
                    <strong>{t(`appPage.scanners.${scanner.name}`, { defaultValue: scanner.name })}</strong>: {t(`appPage.verdicts.${scanner.verdict}`, { defaultValue: scanner.verdict })}
                    {scanner.detail ? <span className="small muted"> — {noticeText(i18n, scanner.notice, scanner.detail)}</span> : null}
                    {scanner.findings?.length ? (
                      <ul>
                        {scanner.findings.map((finding, index) => (
                          <li key={index} className="small">
                            {finding.rule} <code>{`${finding.path}:${finding.line}`}</code>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
              <h3>{t('appPage.signatureTitle')}</h3>
              <dl className="facts">
                <dt>{t('appPage.keyId')}</dt>
                <dd>
                  <code data-testid="key-id">{keyIds.join(', ') || data.keyId}</code>
                </dd>
                <dt>{t('appPage.checksum')}</dt>
                <dd>
                  <code>{data.bundleSha256}</code>
                </dd>
                <dt>{t('appPage.size')}</dt>
                <dd>{formatNumber(data.bundleSize / 1024, i18n.language, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 })}</dd>
              </dl>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
