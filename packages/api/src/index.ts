export { type AppOptions, createApp } from './app';
export { routes } from './modules';
export { taxProviderFrom } from './modules/billing-runs/external-tax';
export { resumeInterruptedBillingRuns } from './modules/billing-runs/run';
export { type Scheduler, startCustomerChargesScheduler } from './modules/customer-charges/sync/scheduler';
export { writeAudit } from './platform/audit';
export {
  ALGORITHM,
  AUDIENCES,
  type Audience,
  type Claims,
  ROLES,
  type Role,
  signToken,
  verifyToken,
} from './platform/auth';
export { type Config, ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './platform/config';
export { ApiError, type ErrorBody, errorBodySchema } from './platform/errors';
export { createLogger, type Logger } from './platform/logging';
export { pageBody, pageOf, pageQuery, pageWindow, toPage, toPageByLookahead } from './platform/pagination';
export { type AppEnv, defineRoute, type HandlerContext, type Route, type RouteAuth } from './platform/routes';
export { buildOpenApi } from './platform/routes/openapi';
export { type DocumentStorage, StorageKeyError } from './platform/storage';
export type { Session } from './platform/tenancy';
