/** What the global setup hands to test files: the cluster's superuser URL, or why there is none. */
export interface ProvidedPostgres {
  url: string | null;
  reason: string | null;
}

export const PROVIDED_POSTGRES_KEY = 'marketplaceDbPostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    marketplaceDbPostgres: ProvidedPostgres;
  }
}

/** The loud notice printed when the PostgreSQL half of the dialect suites cannot run. */
export function missingPostgresNotice(reason: string): string {
  const bar = '!'.repeat(78);
  return `\n${bar}\n!! PostgreSQL suites SKIPPED: ${reason}\n!! Only the PGlite half of describeEachDialect ran. Run scripts/install-system-deps.sh\n!! (as root) to install PostgreSQL, then run the tests again.\n${bar}\n`;
}
