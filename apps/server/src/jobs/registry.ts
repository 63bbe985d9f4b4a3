import type { JobDefinition } from '@marketplace/db';

/**
 * Every background job of the server, one handler per file, registered here. Each is idempotent:
 * after a crash a job may run again, and must then find its work done rather than do it twice.
 */
export const jobDefinitions: JobDefinition<any>[] = [];
