import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { type FieldError, ValidationError } from "../../platform/errors.ts";
import { LocationNotFoundError, StockConflictError } from "./inventory.errors.ts";
import { ledgerId, ledgerIdPattern, raiseLowStock, writeLedger } from "./inventory.ledger.ts";
import {
  inventoryLevels,
  type StockAdjustmentReason,
  stockAdjustmentReasons,
  stockAdjustments,
  stockLocations,
} from "./inventory.schema.ts";

/** Every reason of a ledger row (staff's, and the system's: sale, restock, transfer, import). */
export { stockAdjustmentReasons };

/** Why staff change stock by hand. Sales, restocks, transfers and imports are recorded by the system. */
export const staffAdjustmentReasons = ["received", "correction", "damaged", "lost", "returned"] as const;
export type StaffAdjustmentReason = (typeof staffAdjustmentReasons)[number];

/** Reasons that only add stock, and those that only take it away; `correction` goes either way. */
const adding: readonly StaffAdjustmentReason[] = ["received", "returned"];
const removing: readonly StaffAdjustmentReason[] = ["damaged", "lost"];

/** A stock level as it stands. Quantities in whole units. */
export type StockLevelRow = typeof inventoryLevels.$inferSelect;

/** One row of the stock ledger. `delta` = `after` − `before`, in units. */
export interface StockAdjustmentView {
  id: string;
  variantId: string;
  locationId: string;
  locationName: string;
  reason: StockAdjustmentReason;
  delta: number;
  before: number;
  after: number;
  note: string;
  /** Staff user id (or API key id); null for the system. */
  actorId: string | null;
  transferId: string | null;
  createdAt: string;
}

type AdjustmentRow = typeof stockAdjustments.$inferSelect;

function view(row: AdjustmentRow, locationName: string): StockAdjustmentView {
  return { ...row, locationName, createdAt: row.createdAt.toISOString() };
}

/** The location, locked against deletion for the rest of the transaction. @throws LocationNotFoundError */
async function lockLocation(tx: Db, id: string) {
  const [row] = await tx.select().from(stockLocations).where(eq(stockLocations.id, id)).for("share");
  if (!row) throw new LocationNotFoundError(id);
  return row;
}

/**
 * The levels of a variant at the given locations, created (0 on hand, default settings) where missing,
 * and locked FOR UPDATE in location order: every writer locks in the same order, so two transfers in
 * opposite directions never deadlock, and concurrent changes queue instead of losing an update.
 */
async function lockLevels(
  tx: Db,
  variantId: string,
  locationIds: string[],
): Promise<Map<string, StockLevelRow>> {
  const sorted = [...new Set(locationIds)].sort();
  await tx
    .insert(inventoryLevels)
    .values(sorted.map((locationId) => ({ variantId, locationId, stockedQuantity: 0 })))
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(inventoryLevels)
    .where(
      and(
        eq(inventoryLevels.variantId, variantId),
        sql`${inventoryLevels.locationId} = any(${sql.param(sorted)}::text[])`,
      ),
    )
    .orderBy(inventoryLevels.locationId)
    .for("update");
  return new Map(rows.map((r) => [r.locationId, r]));
}

async function setOnHand(tx: Db, level: StockLevelRow, after: number): Promise<StockLevelRow> {
  const [row] = await tx
    .update(inventoryLevels)
    .set({ stockedQuantity: after, updatedAt: new Date() })
    .where(
      and(eq(inventoryLevels.variantId, level.variantId), eq(inventoryLevels.locationId, level.locationId)),
    )
    .returning();
  return row!;
}

const available = (level: { stockedQuantity: number; reservedQuantity: number }) =>
  level.stockedQuantity - level.reservedQuantity;

/** A staff adjustment: exactly one of `delta` (units to add, negative to remove) and `newQuantity` (a count). */
export interface AdjustStockInput {
  variantId: string;
  locationId: string;
  reason: StaffAdjustmentReason;
  delta?: number;
  newQuantity?: number;
  note?: string;
}

function checkAdjustment(input: AdjustStockInput): void {
  const errors: FieldError[] = [];
  const hasDelta = input.delta !== undefined && input.delta !== null;
  const hasCount = input.newQuantity !== undefined && input.newQuantity !== null;
  if (hasDelta && hasCount)
    errors.push({ field: "newQuantity", message: "give either delta or newQuantity, not both" });
  else if (!hasDelta && !hasCount) errors.push({ field: "delta", message: "give delta or newQuantity" });
  if (hasDelta && (!Number.isSafeInteger(input.delta) || input.delta === 0))
    errors.push({ field: "delta", message: "must be a whole number of units other than 0" });
  if (hasCount && (!Number.isSafeInteger(input.newQuantity) || input.newQuantity! < 0))
    errors.push({ field: "newQuantity", message: "must be a whole number of units, 0 or more" });
  if (!(staffAdjustmentReasons as readonly string[]).includes(input.reason))
    errors.push({ field: "reason", message: `must be one of ${staffAdjustmentReasons.join(", ")}` });
  if ((input.note ?? "").length > 500)
    errors.push({ field: "note", message: "must be at most 500 characters" });
  if (errors.length) throw new ValidationError(errors);
}

/**
 * Changes the units on hand of a variant at a location by hand, in the caller's transaction: the level
 * (created if absent) is locked, changed, and the ledger row (before, after, delta, actor, note) written
 * with it; `stock.low` is raised when the change takes the level to or below its threshold.
 * `received`/`returned` must add units, `damaged`/`lost` must remove them, `correction` may do either
 * (or confirm a count: a `newQuantity` equal to the units on hand records a row with delta 0).
 * @param actorId the staff member (null for the system)
 * @throws ValidationError naming `delta`, `newQuantity`, `reason` or `note`
 * @throws LocationNotFoundError 404 LOCATION_NOT_FOUND
 * @throws StockConflictError 409 STOCK_BELOW_ZERO, STOCK_BELOW_RESERVED (on hand would drop below the
 *   units held for unshipped orders), LOCATION_INACTIVE (an inactive location takes no new stock);
 *   each names the field given (`delta` or `newQuantity`)
 */
export async function adjustStock(
  tx: Db,
  input: AdjustStockInput,
  actorId: string | null,
): Promise<{ level: StockLevelRow; adjustment: StockAdjustmentView }> {
  checkAdjustment(input);
  const field = input.delta !== undefined && input.delta !== null ? "delta" : "newQuantity";
  const location = await lockLocation(tx, input.locationId);
  const level = (await lockLevels(tx, input.variantId, [input.locationId])).get(input.locationId)!;
  const before = level.stockedQuantity;
  const after = field === "delta" ? before + input.delta! : input.newQuantity!;
  const delta = after - before;
  if (adding.includes(input.reason) && delta <= 0) {
    throw new ValidationError([
      { field, message: `"${input.reason}" adds units: the change must be positive (${before} on hand now)` },
    ]);
  }
  if (removing.includes(input.reason) && delta >= 0) {
    throw new ValidationError([
      {
        field,
        message: `"${input.reason}" removes units: the change must be negative (${before} on hand now)`,
      },
    ]);
  }
  if (after < 0) {
    throw new StockConflictError(
      "STOCK_BELOW_ZERO",
      `Only ${before} on hand: removing ${-delta} would leave ${after}.`,
      field,
    );
  }
  if (delta < 0 && after < level.reservedQuantity) {
    throw new StockConflictError(
      "STOCK_BELOW_RESERVED",
      `${level.reservedQuantity} units are reserved for unshipped orders: on hand cannot drop below that (asked for ${after}).`,
      field,
    );
  }
  if (delta > 0 && !location.isActive) {
    throw new StockConflictError(
      "LOCATION_INACTIVE",
      `"${location.name}" is inactive and takes no new stock: activate it first.`,
      field,
    );
  }
  const updated = delta === 0 ? level : await setOnHand(tx, level, after);
  const [row] = await writeLedger(tx, [
    {
      variantId: input.variantId,
      locationId: input.locationId,
      reason: input.reason,
      before,
      after,
      note: input.note?.trim() ?? "",
      actorId,
    },
  ]);
  await raiseLowStock(tx, [
    {
      variantId: level.variantId,
      locationId: level.locationId,
      manageStock: level.manageStock,
      availableBefore: available(level),
      availableAfter: available(updated),
      lowStockThreshold: level.lowStockThreshold,
    },
  ]);
  return { level: updated, adjustment: view(row!, location.name) };
}

/** Units moved from one location to another. */
export interface TransferStockInput {
  variantId: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  note?: string;
}

/**
 * Moves units of a variant between locations in the caller's transaction: both levels are locked (the
 * destination's created if absent), and two ledger rows (`transfer_out`, `transfer_in`) share one
 * transfer id. Only available units move (on hand − reserved at the source). Raises `stock.low` when
 * the source drops to or below its threshold.
 * @throws ValidationError naming `quantity`, `toLocationId` (same as the source) or `note`
 * @throws LocationNotFoundError 404 for either location
 * @throws StockConflictError 409 INSUFFICIENT_STOCK (field `quantity`), LOCATION_INACTIVE (field
 *   `toLocationId`)
 */
export async function transferStock(
  tx: Db,
  input: TransferStockInput,
  actorId: string | null,
): Promise<{
  transferId: string;
  from: StockLevelRow;
  to: StockLevelRow;
  adjustments: StockAdjustmentView[];
}> {
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1)
    errors.push({ field: "quantity", message: "must be a whole number of units, 1 or more" });
  if (input.fromLocationId === input.toLocationId)
    errors.push({ field: "toLocationId", message: "must be another location than the source" });
  if ((input.note ?? "").length > 500)
    errors.push({ field: "note", message: "must be at most 500 characters" });
  if (errors.length) throw new ValidationError(errors);
  // Locations in id order too, like the levels.
  const [first, second] = [input.fromLocationId, input.toLocationId].sort();
  const locations = new Map([
    [first!, await lockLocation(tx, first!)],
    [second!, await lockLocation(tx, second!)],
  ]);
  const source = locations.get(input.fromLocationId)!;
  const destination = locations.get(input.toLocationId)!;
  if (!destination.isActive) {
    throw new StockConflictError(
      "LOCATION_INACTIVE",
      `"${destination.name}" is inactive and takes no new stock: activate it first.`,
      "toLocationId",
    );
  }
  const levels = await lockLevels(tx, input.variantId, [input.fromLocationId, input.toLocationId]);
  const from = levels.get(input.fromLocationId)!;
  const to = levels.get(input.toLocationId)!;
  if (input.quantity > available(from)) {
    throw new StockConflictError(
      "INSUFFICIENT_STOCK",
      `Only ${Math.max(available(from), 0)} available at "${source.name}" (${from.stockedQuantity} on hand, ${from.reservedQuantity} reserved).`,
      "quantity",
    );
  }
  const fromAfter = await setOnHand(tx, from, from.stockedQuantity - input.quantity);
  const toAfter = await setOnHand(tx, to, to.stockedQuantity + input.quantity);
  const transferId = ledgerId("xfr");
  const note = input.note?.trim() ?? "";
  const rows = await writeLedger(tx, [
    {
      variantId: input.variantId,
      locationId: from.locationId,
      reason: "transfer_out",
      before: from.stockedQuantity,
      after: fromAfter.stockedQuantity,
      note,
      actorId,
      transferId,
    },
    {
      variantId: input.variantId,
      locationId: to.locationId,
      reason: "transfer_in",
      before: to.stockedQuantity,
      after: toAfter.stockedQuantity,
      note,
      actorId,
      transferId,
    },
  ]);
  await raiseLowStock(tx, [
    {
      variantId: from.variantId,
      locationId: from.locationId,
      manageStock: from.manageStock,
      availableBefore: available(from),
      availableAfter: available(fromAfter),
      lowStockThreshold: from.lowStockThreshold,
    },
  ]);
  return {
    transferId,
    from: fromAfter,
    to: toAfter,
    adjustments: rows.map((r) => view(r, locations.get(r.locationId)!.name)),
  };
}

/** Filters of the ledger list. */
export interface LedgerQuery {
  variantId?: string;
  locationId?: string;
  reason?: StockAdjustmentReason;
  transferId?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1-200 rows per page. */
  limit: number;
}

/** Counting stops here: a larger `total` is given as this (an estimate "over 10,000"). */
export const countCap = 10_001;

/**
 * The stock ledger, newest first, keyset-paged on the (time-sortable) id: the variant and location
 * filters use their `(variant_id, id)` / `(location_id, id)` indexes. `total` counts up to 10,001.
 * @throws ValidationError (field `cursor`) for a cursor this API did not give, (field `reason`) for an
 *   unknown reason
 */
export async function listStockAdjustments(
  db: Db,
  query: LedgerQuery,
): Promise<{ items: StockAdjustmentView[]; nextCursor: string | null; total: number }> {
  if (query.cursor && !ledgerIdPattern.test(query.cursor))
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  if (query.reason && !(stockAdjustmentReasons as readonly string[]).includes(query.reason))
    throw new ValidationError([
      { field: "reason", message: `must be one of ${stockAdjustmentReasons.join(", ")}` },
    ]);
  const filters: SQL[] = [];
  if (query.variantId) filters.push(eq(stockAdjustments.variantId, query.variantId));
  if (query.locationId) filters.push(eq(stockAdjustments.locationId, query.locationId));
  if (query.reason) filters.push(eq(stockAdjustments.reason, query.reason));
  if (query.transferId) filters.push(eq(stockAdjustments.transferId, query.transferId));
  const page = [...filters];
  if (query.cursor) page.push(lt(stockAdjustments.id, query.cursor));
  const rows = await db
    .select({ row: stockAdjustments, locationName: stockLocations.name })
    .from(stockAdjustments)
    .leftJoin(stockLocations, eq(stockLocations.id, stockAdjustments.locationId))
    .where(page.length ? and(...page) : undefined)
    .orderBy(desc(stockAdjustments.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => view(r.row, r.locationName ?? r.row.locationId));
  const [counted] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${stockAdjustments}
      ${filters.length ? sql`where ${and(...filters)}` : sql``} limit ${countCap}) capped`,
  );
  return {
    items,
    nextCursor: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null,
    total: Number(counted?.n ?? 0),
  };
}
