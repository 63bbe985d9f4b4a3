/**
 * The UI's types checked against the server's OpenAPI document at compile time: for each route, what
 * the server documents as its answer must be assignable to the type the UI reads it as. A field the
 * UI needs that the server does not send, or sends as another type (say `null` where the UI expects
 * a string), fails `npm run typecheck` here. The OpenAPI types come from `npm run api-types`.
 *
 * Types only: nothing here runs or ships.
 */
import type { paths } from './openapi';
import type { apiRoutes } from './api-routes';
import type {
  Agent,
  AgentClient,
  Analytics,
  ApiKey,
  AppDetail,
  AppOwners,
  AppFile,
  AppSummary,
  AuditEntry,
  AuditVerification,
  ConfigExport,
  Conversation,
  ConversationTurn,
  CreatedInvitation,
  Delivery,
  Deployment,
  DeploymentCommand,
  DeploymentDetail,
  Enrollment,
  FileContent,
  Group,
  Invitation,
  LlmSettings,
  LlmUsage,
  Me,
  OrgKeys,
  Page,
  PipelineRequest,
  Review,
  SessionResponse,
  Settings,
  SsoProviders,
  User,
  VersionDetail,
} from './types';

type Routes = typeof apiRoutes;
type Operation<N extends keyof Routes> = Routes[N]['path'] extends keyof paths ? paths[Routes[N]['path']][Lowercase<Routes[N]['method']> & keyof paths[Routes[N]['path']]] : never;
type Json<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type Success<N extends keyof Routes> = Operation<N> extends { responses: infer R } ? (R extends { 200: infer Ok } ? Json<Ok> : R extends { 201: infer Created } ? Json<Created> : R extends { 202: infer Accepted } ? Json<Accepted> : never) : never;
/** The JSON body of the route's success answer (200, 201 or 202); a route without one fails every check. */
type Answer<N extends keyof Routes> = [Success<N>] extends [never] ? { error: `${N}: the OpenAPI document has no JSON success answer for this route` } : Success<N>;
/** Compiles when the server's answer fits what the UI reads. */
type Reads<Server extends Ui, Ui> = [Server, Ui];

export type Contract = [
  Reads<Answer<'register'>, SessionResponse>,
  Reads<Answer<'login'>, SessionResponse>,
  Reads<Answer<'acceptInvitation'>, SessionResponse>,
  Reads<Answer<'me'>, Me>,
  Reads<Answer<'ssoProviders'>, SsoProviders>,
  Reads<Answer<'listUsers'>, Page<User>>,
  Reads<Answer<'updateUser'>, User>,
  Reads<Answer<'listInvitations'>, Page<Invitation>>,
  Reads<Answer<'createInvitation'>, CreatedInvitation>,
  Reads<Answer<'listApiKeys'>, Page<ApiKey>>,
  Reads<Answer<'createApiKey'>, ApiKey & { key: string }>,
  Reads<Answer<'listAgentClients'>, Page<AgentClient>>,
  Reads<Answer<'createAgentClient'>, AgentClient & { clientSecret: string }>,
  Reads<Answer<'getConfig'>, { settings: Settings }>,
  Reads<Answer<'putConfig'>, { settings: Settings }>,
  Reads<Answer<'importConfig'>, { settings: Settings }>,
  Reads<Answer<'exportConfig'>, ConfigExport>,
  Reads<Answer<'listAudit'>, Page<AuditEntry>>,
  Reads<Answer<'verifyAudit'>, AuditVerification>,
  Reads<Answer<'listApps'>, Page<AppSummary>>,
  Reads<Answer<'getApp'>, AppDetail>,
  Reads<Answer<'listAppOwners'>, AppOwners>,
  Reads<Answer<'addAppOwner'>, AppOwners>,
  Reads<Answer<'removeAppOwner'>, AppOwners>,
  Reads<Answer<'getVersion'>, VersionDetail>,
  Reads<Answer<'listFiles'>, Page<AppFile>>,
  Reads<Answer<'getFile'>, FileContent>,
  Reads<Answer<'listReviews'>, Page<Review>>,
  Reads<Answer<'putReview'>, Review>,
  Reads<Answer<'distribute'>, { deliveries: Delivery[] }>,
  Reads<Answer<'getRequest'>, PipelineRequest>,
  Reads<Answer<'startConversation'>, ConversationTurn>,
  Reads<Answer<'sendMessage'>, ConversationTurn>,
  Reads<Answer<'buildConversation'>, ConversationTurn>,
  Reads<Answer<'getConversation'>, Conversation>,
  Reads<Answer<'listDeployments'>, Page<Deployment>>,
  Reads<Answer<'getDeployment'>, DeploymentDetail>,
  Reads<Answer<'rollbackDeployment'>, DeploymentCommand>,
  Reads<Answer<'removeDeployment'>, DeploymentCommand>,
  Reads<Answer<'listAgents'>, Page<Agent>>,
  Reads<Answer<'createEnrollment'>, Enrollment>,
  Reads<Answer<'listGroups'>, Page<Group>>,
  Reads<Answer<'createGroup'>, Group>,
  Reads<Answer<'updateGroup'>, Group>,
  Reads<Answer<'getKeys'>, OrgKeys>,
  Reads<Answer<'rotateKey'>, { keyId: string; keyListVersion: number }>,
  Reads<Answer<'revokeKey'>, { keyListVersion: number }>,
  Reads<Answer<'getLlmProviders'>, LlmSettings>,
  Reads<Answer<'putLlmProviders'>, LlmSettings>,
  Reads<Answer<'getLlmModels'>, { models: string[] }>,
  Reads<Answer<'getLlmUsage'>, LlmUsage>,
  Reads<Answer<'analytics'>, Analytics>,
];
