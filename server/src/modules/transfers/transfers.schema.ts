import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const transferDirections = ["import", "export"] as const;
export type TransferDirection = (typeof transferDirections)[number];
export const transferStatuses = ["queued", "running", "succeeded", "failed"] as const;
export type TransferStatus = (typeof transferStatuses)[number];

/**
 * An import or export staff started from the admin, run as a background job: its file in storage,
 * progress (rows processed out of total), and outcome (a summary, the rows that failed as a
 * downloadable error report, the exported file).
 */
export const dataTransfers = pgTable(
  "data_transfers",
  {
    id: text("id").primaryKey(),
    direction: text("direction", { enum: transferDirections }).notNull(),
    /** What moves: `products`, `stock`, `customers`, `orders`, `reviews`, ... */
    resource: text("resource").notNull(),
    /** `csv` or `json`. */
    format: text("format").notNull(),
    status: text("status", { enum: transferStatuses }).notNull().default("queued"),
    /** The uploaded file's name (imports) or the file to download (exports). */
    fileName: text("file_name").notNull(),
    /** Storage key of the uploaded file (imports). */
    sourceKey: text("source_key"),
    /** Storage key of the exported file (exports). */
    resultKey: text("result_key"),
    /** Storage key of the CSV listing the rows that failed and why (imports). */
    errorReportKey: text("error_report_key"),
    /** Rows to process, when known. */
    total: integer("total"),
    processed: integer("processed").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** Outcome by kind, e.g. `{ created: 10, updated: 3, unchanged: 40 }`. */
    summary: jsonb("summary").$type<Record<string, number>>().notNull().default({}),
    /** Why the whole transfer failed (not a row). */
    error: text("error"),
    /** The staff member who started it. */
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("data_transfers_created_idx").on(t.createdAt, t.id)],
);
