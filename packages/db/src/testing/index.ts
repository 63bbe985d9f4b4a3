export { describeEachDialect, type DefineSuite } from './describe-each-dialect.js';
export { createPostgresTestDatabase } from './postgres-test-database.js';
export { findPostgresBinaries, startPostgres, type PostgresCluster } from './start-postgres.js';
export type { ProvidedPostgres } from './provided-postgres.js';
