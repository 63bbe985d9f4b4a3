export { ApiClient, queryString } from './api/api-client';
export type { ApiClientOptions, RequestOptions, Method } from './api/api-client';
export { ApiError, problemOf } from './api/api-error';
export type { Problem } from './api/api-error';
export { apiRoutes, routePath } from './api/api-routes';
export type { ApiRoute, RouteName } from './api/api-routes';
export { detectLanguage, formatDate, formatNumber, LANGUAGES } from './i18n/i18n';
export { en } from './i18n/en';
export { pl } from './i18n/pl';
