import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Staff actions and security events: who (actor), what (action, target), from where (IP, user agent)
 * and when (UTC). Append-only.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    /** Stable dotted name, e.g. `auth.sign_in.failed`, `staff.role.assigned`. */
    action: text("action").notNull(),
    /** User id of who did it; null for anonymous attempts. */
    actorId: text("actor_id"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_created_idx").on(t.createdAt),
    index("audit_events_actor_idx").on(t.actorId, t.createdAt),
    index("audit_events_action_idx").on(t.action, t.createdAt),
  ],
);
