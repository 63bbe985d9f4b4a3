import compress from '@fastify/compress';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/**
 * Answers above 1 KiB are sent Brotli- or gzip-compressed when the client accepts it. The event
 * streams hijack their reply and are never buffered or compressed; precompressed static files
 * already carry their Content-Encoding and are left as they are.
 */
export const COMPRESS_THRESHOLD_BYTES = 1024;

export default fp(async function compression(app: FastifyInstance) {
  await app.register(compress, { global: true, threshold: COMPRESS_THRESHOLD_BYTES, encodings: ['br', 'gzip'] });
});
