/** Audit: an append-only log of staff actions and security events. Other modules import only from here. */

export { auditPersonalData } from "./audit.personal-data.ts";
export { type ActorNames, auditRoutes } from "./audit.routes.ts";
export {
  type AuditEntry,
  type AuditedRequest,
  type AuditInput,
  changedFields,
  type FieldChange,
  hasAuditEntry,
  listAudit,
  recordAudit,
  recordStaffAction,
} from "./audit.service.ts";
