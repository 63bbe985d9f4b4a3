import { join } from 'node:path';
import { enroll } from '../apps/agent/src/index.js';
import { startServer } from '../apps/server/src/composition/server.js';

/** The conversation address the mail benchmarks send to (SMTP_FROM of the server they start). */
export const SERVICE_ADDRESS = 'marketplace@bench.example';

/**
 * The server the mail benchmarks measure: production mode, PGlite in `<work>/data`, the embedded hub
 * on `hubPort` with its rate limits and quota off (MAIL_HUB_*=0: the listener is measured, not the
 * limits), one account (ana@bench.example) and one enrolled agent. `unprocessed` counts incoming
 * mail not done yet.
 */
export async function startMailBenchServer(work: string, hubPort: number, env: Record<string, string> = {}) {
  const server = await startServer({
    role: 'all',
    handleSignals: false,
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      ROOT_KEY_PASSPHRASE: 'bench root key passphrase',
      DATA_DIR: join(work, 'data'),
      PORT: '0',
      SMTP_LISTEN_PORT: String(hubPort),
      SMTP_FROM: SERVICE_ADDRESS,
      MAIL_ALLOW_UNVERIFIED_SENDERS: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      MAIL_HUB_CONNECTIONS_PER_MINUTE_PER_CLIENT: '0',
      MAIL_HUB_MESSAGES_PER_MINUTE_PER_CLIENT: '0',
      MAIL_HUB_MESSAGES_PER_MINUTE_PER_SENDER: '0',
      MAIL_HUB_MAILBOX_QUOTA_BYTES: '0',
      ...env,
    },
  });
  try {
    const base = server.url!;
    const post = async (path: string, body: unknown, token?: string) => (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })).json() as Promise<any>;
    const registered = await post('/api/v1/auth/register', { organization: 'Bench Org', name: 'Ana', email: 'ana@bench.example', password: 'correct horse battery staple' });
    const { code } = await post('/api/v1/agents/enrollments', {}, registered.token);
    const agent = await enroll({ server: base, code, home: join(work, 'agent') });
    const db = server.runtime.database.db as any;
    const unprocessed = async () => Number((await db.selectFrom('incoming_mail').select(db.fn.countAll().as('n')).where('state', '!=', 'done').executeTakeFirst()).n);
    return { server, agent, unprocessed };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
