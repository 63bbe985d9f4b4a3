/** An app page's first load as the server answers it: who is signed in, one published app, no workstations yet. */
export const signedIn = (role: string) => ({ user: { id: 'u1', email: 'a@b.c', name: 'Ana', roles: [role], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: [role], via: 'cookie' });
export const version = { version: '1.2.0', publishedAt: '2026-01-02T00:00:00Z', bundleSha256: 'ab'.repeat(32), bundleSize: 4096, keyId: 'k'.repeat(64), changelog: '', validation: { ok: true }, scan: { verdict: 'clean' } };
export const app = { id: 'a1', name: 'invoices', title: 'Invoice tracker', summary: 'Tracks unpaid invoices.', kind: 'form-app', tags: [], latestVersion: '1.2.0', rating: null, ratingCount: 0, installs: 0, health: null, authorId: 'u2', authorName: 'Ben', updatedAt: '', createdAt: '', spec: {}, versions: [version] };
/** GET answers by URL for an app page's first load, signed in as `me`. */
export const appPageAnswers = (me: unknown): Record<string, unknown> => ({
  '/api/v1/auth/me': me,
  '/api/v1/auth/csrf': { csrfToken: 't' },
  '/api/v1/apps/a1': app,
  '/api/v1/agents': { items: [], total: 0 },
  '/api/v1/deployments?appId=a1': { items: [], total: 0 },
});
