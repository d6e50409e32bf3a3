/**
 * GDPR export and erasure (articles 15, 17 and 20): one operation over every module's personal data
 * (`PersonalDataSource`), with the shopper's and staff's HTTP routes. Other code imports only from here.
 */
export { accountGdprRoutes, adminGdprRoutes } from "./gdpr.routes.ts";
export { erasePersonalData, exportPersonalData, type GdprRequester, personalDataSources } from "./gdpr.ts";
