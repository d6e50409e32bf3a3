import type { Db } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import { enqueueMany } from "../../platform/outbox.ts";
import { insertRows } from "../../platform/statements.ts";
import { type StockAdjustmentReason, stockAdjustments } from "./inventory.schema.ts";

/**
 * The stock ledger's shared pieces: ids of ledger rows and transfers, writing rows, and the one rule
 * that raises `stock.low` (used by reservations, staff adjustments and transfers alike).
 */

/** A new time-sortable id of a ledger row (`sadj_<ULID>`) or of a transfer (`stx_<ULID>`). */
export function ledgerId(kind: "adj" | "xfr"): string {
  return newId(kind === "adj" ? "sadj" : "stx");
}

/** Pattern of a ledger row id, as cursors of the ledger list carry them. */
export const ledgerIdPattern = /^sadj_[0-9A-HJKMNP-TV-Z]{26}$/;

/** One ledger row to write. Quantities are whole units; `delta` is `after - before`. */
export interface LedgerEntry {
  variantId: string;
  locationId: string;
  reason: StockAdjustmentReason;
  before: number;
  after: number;
  note?: string;
  /** Staff user, or null for the system (orders, imports). */
  actorId: string | null;
  transferId?: string | null;
}

/** Writes ledger rows in the caller's transaction, with one statement. Returns them as stored. */
export async function writeLedger(db: Db, entries: LedgerEntry[]) {
  return insertRows(
    db,
    stockAdjustments,
    entries.map((e) => ({
      id: ledgerId("adj"),
      variantId: e.variantId,
      locationId: e.locationId,
      reason: e.reason,
      delta: e.after - e.before,
      before: e.before,
      after: e.after,
      note: e.note ?? "",
      actorId: e.actorId,
      transferId: e.transferId ?? null,
    })),
    { returning: true },
  );
}

/** Payload of the `stock.low` event. */
export interface StockLowEvent {
  variantId: string;
  locationId: string;
  availableQuantity: number;
  lowStockThreshold: number;
}

export const stockLowTopic = "stock.low";

/** A change of the units available (stocked − reserved) at one level. */
export interface AvailabilityChange {
  variantId: string;
  locationId: string;
  manageStock: boolean;
  availableBefore: number;
  availableAfter: number;
  lowStockThreshold: number;
}

/**
 * Writes `stock.low` to the outbox (in the caller's transaction) for every counted level that a change
 * took from above its threshold to at or below it: one event per crossing, however many units later
 * sales take while it stays low. Returns how many events were written.
 */
export async function raiseLowStock(tx: Db, changes: AvailabilityChange[]): Promise<number> {
  const low = changes.filter(
    (c) =>
      c.manageStock && c.availableAfter <= c.lowStockThreshold && c.availableBefore > c.lowStockThreshold,
  );
  if (low.length === 0) return 0;
  await enqueueMany(
    tx,
    low.map((c) => ({
      topic: stockLowTopic,
      payload: {
        variantId: c.variantId,
        locationId: c.locationId,
        availableQuantity: c.availableAfter,
        lowStockThreshold: c.lowStockThreshold,
      } satisfies StockLowEvent,
    })),
  );
  return low.length;
}
