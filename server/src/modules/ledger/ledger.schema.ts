import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The marketplace's double-entry ledger: every posting (`txn`) is a set of entries on accounts whose
 * amounts sum to zero per currency. Debits are positive, credits negative, in minor units of
 * `currency`. Accounts:
 * - `platform:cash`: money the platform holds (captured payments in, refunds, chargebacks and payouts out);
 * - `platform:commission`: the platform's commission on vendors' sales;
 * - `platform:sales`: the shop's own share of marketplace orders (its lines and shipping share);
 * - `vendor:<vendor id>`: what the platform owes a vendor (a credit balance), by `available_at`.
 * Entries are never changed or deleted: a correction is a new posting.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    /** The posting this entry belongs to. */
    txn: text("txn").notNull(),
    account: text("account").notNull(),
    vendorId: text("vendor_id"),
    /** sale, refund, chargeback, payout, payout_reversal, adjustment. */
    kind: text("kind").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    orderId: text("order_id"),
    payoutId: text("payout_id"),
    /** When a vendor's credit may be paid out (the hold period); debits are available at once. */
    availableAt: timestamp("available_at", { withTimezone: true }).notNull(),
    memo: text("memo").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("ledger_entries_vendor_idx").on(t.vendorId, t.currency, t.availableAt),
    index("ledger_entries_order_idx").on(t.orderId),
    index("ledger_entries_payout_idx").on(t.payoutId),
    index("ledger_entries_txn_idx").on(t.txn),
  ],
);

/** The marketplace's money settings (one row, id 1). */
export const ledgerSettings = pgTable("ledger_settings", {
  id: integer("id").primaryKey().default(1),
  /** Days a vendor's sale is held before it may be paid out (the return window). */
  holdDays: integer("hold_days").notNull().default(14),
  /** Days between scheduled payout runs. */
  payoutIntervalDays: integer("payout_interval_days").notNull().default(7),
  /** A vendor's available balance below this (minor units) waits for the next run. */
  minimumPayout: bigint("minimum_payout", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A payout run: one pass paying every vendor its available balance. An unfinished run (the process
 * died) is resumed, never started twice: its payouts keep their ids, which are the providers'
 * idempotency keys.
 */
export const payoutRuns = pgTable(
  "payout_runs",
  {
    id: text("id").primaryKey(),
    /** running, completed. */
    status: text("status").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Who started it: "schedule" or "staff:<user id>". */
    startedBy: text("started_by").notNull(),
  },
  // One run at a time: a second start finds the running one (and resumes it).
  (t) => [uniqueIndex("payout_runs_running_key").on(t.status).where(sql`${t.status} = 'running'`)],
);

/**
 * A payout to a vendor: created (and its amount taken off the vendor's balance in the ledger) in one
 * transaction, then sent: `pending` -> `paid` (Stripe transfer made, or staff marked the bank transfer
 * sent) or `failed` (the amount goes back to the balance). Minor units of `currency`.
 */
export const payouts = pgTable(
  "payouts",
  {
    id: text("id").primaryKey(),
    runId: text("run_id").notNull(),
    vendorId: text("vendor_id").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** stripe_connect or bank_transfer. */
    method: text("method").notNull(),
    status: text("status").notNull(),
    /** The Stripe transfer id (`tr_...`) or the bank transfer's reference. */
    reference: text("reference"),
    failureMessage: text("failure_message"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payouts_run_vendor_key").on(t.runId, t.vendorId, t.currency),
    index("payouts_vendor_idx").on(t.vendorId, t.createdAt),
    index("payouts_status_idx").on(t.status),
  ],
);
