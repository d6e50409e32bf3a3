import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const outboxStatuses = ["pending", "done", "dead"] as const;

/**
 * Transactional outbox: an event is written in the same transaction as the change it reports, then
 * delivered after commit by the dispatcher (at least once; handlers are idempotent by event id).
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    topic: text("topic").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    status: text("status", { enum: outboxStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Not delivered before this time (UTC): retries back off. */
    availableAt: timestamp("available_at", { withTimezone: true }).notNull().defaultNow(),
    /** A dispatcher holds the event until this time (UTC); past it, another may take it over. */
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [index("outbox_events_due_idx").on(t.status, t.availableAt)],
);

/** Emails kept by the embedded mailer instead of being sent: the local mail outbox staff can read. */
export const mailMessages = pgTable(
  "mail_messages",
  {
    /** The outbox event id that produced the message (so a retried delivery stores it once). */
    id: text("id").primaryKey(),
    from: text("from").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("mail_messages_to_idx").on(t.to, t.createdAt)],
);
