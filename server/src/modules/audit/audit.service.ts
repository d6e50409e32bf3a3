import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { auditEvents } from "./audit.schema.ts";

/** One audit entry to record. */
export interface AuditInput {
  action: string;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
}

/** Appends an entry (in the caller's transaction when given one). */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    id: newId("aud"),
    action: input.action,
    actorId: input.actorId ?? null,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    ipAddress: input.ipAddress ?? null,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
    metadata: input.metadata ?? {},
  });
}

/** The parts of a staff request an audit entry records: who, from which address and browser. */
export interface AuditedRequest {
  staff?: { userId: string };
  /** A vendor member acting through the vendor portal (its vendor goes in the entry's metadata). */
  vendor?: { id: string; userId: string };
  ip: string;
  headers: Record<string, unknown>;
}

/**
 * Appends an entry for a staff member's action through the admin API (or a vendor member's through the
 * vendor portal: the vendor goes in `metadata.vendorId`), taking the actor, IP address and
 * user agent from the request.
 */
export async function recordStaffAction(
  db: Db,
  request: AuditedRequest,
  entry: { action: string; targetType: string; targetId: string; metadata?: Record<string, unknown> },
): Promise<void> {
  const agent = request.headers["user-agent"];
  await recordAudit(db, {
    ...entry,
    ...(request.vendor && !request.staff
      ? { metadata: { ...entry.metadata, vendorId: request.vendor.id } }
      : {}),
    actorId: request.staff?.userId ?? request.vendor?.userId ?? null,
    ipAddress: request.ip,
    userAgent: typeof agent === "string" ? agent : null,
  });
}

/** One changed field of an audited write: its value before and after. */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/**
 * The fields whose values differ between two snapshots of a resource (compared as JSON), for an
 * audit entry's `metadata.changes`: `{ price: { before: 1000, after: 900 } }`. Fields present on one
 * side only count as changed (the missing side is null). Timestamps and versions are left out: they
 * change with every save.
 */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  ignore: readonly string[] = ["updatedAt", "version", "createdAt"],
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (ignore.includes(key)) continue;
    const a = before?.[key] ?? null;
    const b = after?.[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = { before: a, after: b };
  }
  return changes;
}

export interface AuditEntry {
  id: string;
  action: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/**
 * Newest entries first, `limit` per page; `cursor` is the id of the last entry of the previous page
 * (ids sort by time). Optional filters by action and actor.
 * @throws ValidationError (field `cursor`) for a malformed cursor.
 */
export async function listAudit(
  db: Db,
  query: { limit: number; cursor?: string; action?: string; actorId?: string },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  if (query.cursor && !/^aud_[0-9A-Z]{26}$/.test(query.cursor)) {
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  }
  const conditions: SQL[] = [];
  if (query.cursor) conditions.push(lt(auditEvents.id, query.cursor));
  if (query.action) conditions.push(eq(auditEvents.action, query.action));
  if (query.actorId) conditions.push(eq(auditEvents.actorId, query.actorId));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** True when the actor already has an entry of one of `actions` (from this user agent, when given). */
export async function hasAuditEntry(
  db: Db,
  query: { actorId: string; actions: string[]; userAgent?: string },
): Promise<boolean> {
  const conditions = [eq(auditEvents.actorId, query.actorId), inArray(auditEvents.action, query.actions)];
  if (query.userAgent !== undefined)
    conditions.push(eq(auditEvents.userAgent, query.userAgent.slice(0, 500)));
  const rows = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(...conditions))
    .limit(1);
  return rows.length > 0;
}
