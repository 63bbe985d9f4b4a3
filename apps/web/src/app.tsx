import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import { ApiError } from './api/api-error';
import { agentsQuery, appDeploymentsQuery, appIdOf, appQuery } from './app-page/app-query';
import { catalogFilters, catalogQuery } from './pages/catalog-query';
import { SessionProvider, useSession } from './auth/session';
import { LiveEventsProvider } from './api/live-events';
import { Layout } from './components/layout';
import { Loading } from './components/query-state';
import { moreWords } from './i18n/i18n';

/** Every page is its own chunk: the first load carries the shell and the page it shows, nothing else. */
const named = <K extends string>(load: () => Promise<Record<K, (props: object) => ReactNode>>, name: K) => lazy(async () => ({ default: (await load())[name] }));
/** A page beyond the first screens (catalog, app page, chat): its code and the words it needs arrive together. */
const withWords =
  <T,>(load: () => Promise<T>) =>
  async (): Promise<T> =>
    (await Promise.all([load(), moreWords()]))[0];
const loadCatalog = () => import('./pages/catalog-page');
const loadSignIn = withWords(() => import('./pages/sign-in-page'));
const loadRegister = withWords(() => import('./pages/register-page'));
const loadInvite = withWords(() => import('./pages/invite-page'));
const CatalogPage = named(loadCatalog, 'CatalogPage');
const SignInPage = named(loadSignIn, 'SignInPage');
const RegisterPage = named(loadRegister, 'RegisterPage');
const InvitePage = named(loadInvite, 'InvitePage');

/**
 * Start fetching the page a first load will show while the session is checked, instead of after it:
 * the catalog when signed in at `/`, an app page or the chat, else the signed-out page the address names.
 * `search` is the address's query string (the catalog's filters). Says whether the page is one of the
 * first screens (catalog, app page, chat), whose words come first; any other page needs every word.
 */
export function preloadFirstPage(pathname: string, signedIn: boolean, queryClient?: QueryClient, search = ''): boolean {
  const appId = signedIn ? appIdOf(pathname) : null;
  // An app page also asks now for what its first screen shows (the app, my workstations and where the
  // app runs on them): the answers are cached for the page when it renders.
  if (appId !== null && queryClient) {
    void queryClient.prefetchQuery(appQuery(appId));
    void queryClient.prefetchQuery(agentsQuery());
    void queryClient.prefetchQuery(appDeploymentsQuery(appId));
  }
  // The catalog's first page of apps, with the filters its address names.
  if (signedIn && pathname === '/' && queryClient) void queryClient.prefetchInfiniteQuery(catalogQuery(catalogFilters(new URLSearchParams(search))));
  const chat = /^\/chat(\/[^/]+)?\/?$/.test(pathname);
  const load = signedIn ? (pathname === '/' ? loadCatalog : appId !== null ? loadApp : chat ? loadChat : null) : pathname === '/register' ? loadRegister : pathname === '/invite' ? loadInvite : loadSignIn;
  void load?.().catch(() => {});
  return signedIn && (pathname === '/' || appId !== null || chat);
}
const loadApp = () => import('./pages/app-page');
const AppPage = named(loadApp, 'AppPage');
const loadChat = () => import('./pages/chat-page');
const ChatPage = named(loadChat, 'ChatPage');
const DeploymentsPage = named(withWords(() => import('./pages/deployments-page')), 'DeploymentsPage');
const AnalyticsPage = named(withWords(() => import('./pages/analytics-page')), 'AnalyticsPage');
const AccountPage = named(withWords(() => import('./pages/account-page')), 'AccountPage');
const ResetPasswordPage = named(withWords(() => import('./pages/reset-password-page')), 'ResetPasswordPage');
const AdminPage = named(withWords(() => import('./pages/admin/admin-page')), 'AdminPage');
const MessagesPage = named(withWords(() => import('./pages/messages-page')), 'MessagesPage');
const CampaignsPage = named(withWords(() => import('./pages/campaigns-page')), 'CampaignsPage');
const MailPage = named(withWords(() => import('./pages/admin/mail-page')), 'MailPage');
const UsersPage = named(withWords(() => import('./pages/admin/users-page')), 'UsersPage');
const InvitationsPage = named(withWords(() => import('./pages/admin/invitations-page')), 'InvitationsPage');
const ApiKeysPage = named(withWords(() => import('./pages/admin/api-keys-page')), 'ApiKeysPage');
const MailQuarantinePage = named(withWords(() => import('./pages/admin/mail-quarantine-page')), 'MailQuarantinePage');
const OutgoingMailPage = named(withWords(() => import('./pages/admin/outgoing-mail-page')), 'OutgoingMailPage');
const MailTemplatesPage = named(withWords(() => import('./pages/admin/mail-templates-page')), 'MailTemplatesPage');
const AgentClientsPage = named(withWords(() => import('./pages/admin/agent-clients-page')), 'AgentClientsPage');
const ConfigPage = named(withWords(() => import('./pages/admin/config-page')), 'ConfigPage');
const AuditPage = named(withWords(() => import('./pages/admin/audit-page')), 'AuditPage');
const AgentsPage = named(withWords(() => import('./pages/admin/agents-page')), 'AgentsPage');
const OrgKeysPage = named(withWords(() => import('./pages/admin/org-keys-page')), 'OrgKeysPage');
const LlmPage = named(withWords(() => import('./pages/admin/llm-page')), 'LlmPage');
const GroupsPage = named(withWords(() => import('./pages/admin/groups-page')), 'GroupsPage');
const PolicyPage = named(withWords(() => import('./pages/admin/policy-page')), 'PolicyPage');
const GmailPage = named(withWords(() => import('./pages/admin/gmail-page')), 'GmailPage');
const WebhooksPage = named(withWords(() => import('./pages/admin/webhooks-page')), 'WebhooksPage');
const GitExportPage = named(withWords(() => import('./pages/admin/git-export-page')), 'GitExportPage');
const McpServersPage = named(withWords(() => import('./pages/admin/mcp-servers-page')), 'McpServersPage');
const ApprovalsPage = named(withWords(() => import('./pages/approvals-page')), 'ApprovalsPage');

function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <Link to="/">{t('notFound.back')}</Link>
    </>
  );
}

function Routed() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  if (!me) {
    return (
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/invite" element={<InvitePage />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route path="/reset-password" element={<ResetPasswordPage />} />
          <Route path="*" element={<SignInPage />} />
        </Routes>
      </Suspense>
    );
  }
  return (
    <LiveEventsProvider>
      <Layout>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<CatalogPage />} />
            <Route path="/register" element={<Navigate to="/" replace />} />
            <Route path="/invite" element={<Navigate to="/" replace />} />
            <Route path="/apps/:id" element={<AppPage />} />
            <Route path="/chat" element={<ChatPage />} />
            <Route path="/chat/:id" element={<ChatPage />} />
            <Route path="/deployments" element={<DeploymentsPage />} />
            <Route path="/analytics" element={<AnalyticsPage />} />
            <Route path="/approvals" element={<ApprovalsPage />} />
            <Route path="/messages" element={<MessagesPage />} />
            <Route path="/campaigns" element={<CampaignsPage />} />
            <Route path="/account" element={<AccountPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/admin" element={<AdminPage />}>
              <Route index element={<Navigate to="users" replace />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="invitations" element={<InvitationsPage />} />
              <Route path="api-keys" element={<ApiKeysPage />} />
              <Route path="mail-quarantine" element={<MailQuarantinePage />} />
              <Route path="outgoing-mail" element={<OutgoingMailPage />} />
              <Route path="mail-templates" element={<MailTemplatesPage />} />
              <Route path="agent-clients" element={<AgentClientsPage />} />
              <Route path="config" element={<ConfigPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="agents" element={<AgentsPage />} />
              <Route path="groups" element={<GroupsPage />} />
              <Route path="keys" element={<OrgKeysPage />} />
              <Route path="llm" element={<LlmPage />} />
              <Route path="policy" element={<PolicyPage />} />
              <Route path="mail" element={<MailPage />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="git-export" element={<GitExportPage />} />
              <Route path="gmail" element={<GmailPage />} />
              <Route path="mcp-servers" element={<McpServersPage />} />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </Layout>
    </LiveEventsProvider>
  );
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // Retry only what may pass next time; never a route that is not there or a refusal.
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.retryable),
      },
    },
  });
}

export function App({ i18n, queryClient = createQueryClient() }: { i18n: I18n; queryClient?: QueryClient }) {
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <SessionProvider>
            <Routed />
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
