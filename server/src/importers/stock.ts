import { variantIdsBySku } from "../modules/catalog/index.ts";
import {
  adjustStock,
  ensureDefaultLocation,
  getStockLevel,
  listStockLocations,
} from "../modules/inventory/index.ts";
import type { AppContext } from "../platform/context.ts";
import { AppError, type FieldError, ValidationError } from "../platform/errors.ts";
import type { SourceRecord } from "./mapped.ts";
import type { FailedRow } from "./report.ts";

/**
 * Columns of a stock file (CSV header or JSON keys), one row per variant and location:
 * - `sku` (required): the variant's SKU;
 * - `location`: the stock location's code (default: the default location);
 * - `quantity` (required): units on hand there, a whole number, 0 or more (a count, not a change).
 * Other columns are ignored, so the stock export (which has these three) imports back.
 */
export const stockColumns = ["sku", "location", "quantity"] as const;

/** What a stock import did: levels created, changed, already at the count, and the rows that failed. */
export interface StockImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: FailedRow[];
}

export interface StockImportOptions {
  /** The staff member the ledger rows name (null: the system). */
  actorId: string | null;
  /** Ledger note of every change, e.g. which import made it (at most 500 characters). */
  note: string;
  /** The file name failed rows name. */
  fileName: string;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Called (and awaited) after each batch is written; a throw stops the import. */
  onProgress?: (progress: {
    processed: number;
    total: number;
    summary: StockImportSummary;
  }) => Promise<void> | void;
  /** Called for each row that failed, with its field-level errors (named by column). */
  onFailedRow?: (failure: FailedRow, errors: FieldError[]) => void;
}

/** The column a service error's field stands for in a stock file. */
const columnOf: Record<string, string> = {
  newQuantity: "quantity",
  delta: "quantity",
  locationId: "location",
};

function field(name: string, message: string): never {
  throw new ValidationError([{ field: name, message }]);
}

function text(value: unknown, name: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return field(name, "is not a value");
}

/**
 * Sets units on hand from a stock file's records (see {@link stockColumns}). Each row is one staff
 * `correction` of the stock ledger to the row's count (`adjustStock`: the level locked, the ledger row
 * written with the actor and `note`, `stock.low` raised when it crosses the threshold), in its own
 * savepoint inside a transaction of `batchSize` rows: a bad row is reported (row number, SKU, field,
 * reason) and skipped, never half-written. A row whose count equals what is on hand changes nothing
 * (`unchanged`), so re-running an import writes nothing twice. Fails a row: unknown SKU or location
 * code, a quantity that is not a whole number of 0 or more, a (SKU, location) that came earlier in the
 * file, a count below the units reserved for unshipped orders, new units at an inactive location.
 */
export async function importStockRecords(
  ctx: AppContext,
  records: SourceRecord[],
  options: StockImportOptions,
): Promise<StockImportSummary> {
  const summary: StockImportSummary = { created: 0, updated: 0, unchanged: 0, failed: [] };
  const fail = (row: number, sku: string | null, error: unknown) => {
    const errors =
      error instanceof AppError
        ? error.errors.map((e) => ({ field: columnOf[e.field] ?? e.field, message: e.message }))
        : [];
    const reason = errors.length
      ? errors.map((e) => `${e.field}: ${e.message}`).join("; ")
      : error instanceof Error
        ? error.message
        : String(error);
    const failure: FailedRow = { file: options.fileName, row, sku: sku || null, reason };
    summary.failed.push(failure);
    options.onFailedRow?.(failure, errors);
  };
  const batchSize = options.batchSize ?? 500;
  const defaultLocationId = await ensureDefaultLocation(ctx.db);
  const locationByCode = new Map((await listStockLocations(ctx.db)).map((l) => [l.code, l.id]));
  const firstRow = new Map<string, number>();

  for (let start = 0; start < records.length; start += batchSize) {
    const chunk = records.slice(start, start + batchSize);
    const rows: { row: number; sku: string; locationId: string; quantity: number }[] = [];
    for (const { row, record } of chunk) {
      let sku: string | null = null;
      try {
        sku = text(record.sku, "sku") || null;
        if (!sku) field("sku", "is required");
        const code = text(record.location, "location").toLowerCase();
        const locationId = code ? locationByCode.get(code) : defaultLocationId;
        if (!locationId) field("location", `no stock location has the code "${code}"`);
        const quantityText = text(record.quantity, "quantity");
        if (!quantityText) field("quantity", "is required");
        const quantity = Number(quantityText);
        if (!/^\d+$/.test(quantityText) || !Number.isSafeInteger(quantity))
          field("quantity", `"${quantityText}" is not a whole number of units, 0 or more`);
        const key = `${sku}\u0000${locationId}`;
        const first = firstRow.get(key);
        if (first !== undefined) field("sku", `"${sku}" at this location already came on row ${first}`);
        firstRow.set(key, row);
        rows.push({ row, sku, locationId, quantity });
      } catch (error) {
        fail(row, sku, error);
      }
    }
    const variantIds = await variantIdsBySku(
      ctx.db,
      rows.map((r) => r.sku),
    );
    await ctx.db.transaction(async (tx) => {
      for (const r of rows) {
        try {
          const variantId = variantIds.get(r.sku);
          if (!variantId) field("sku", `no variant has the SKU "${r.sku}"`);
          const outcome = await tx.transaction(async (savepoint) => {
            const before = await getStockLevel(savepoint, variantId, r.locationId);
            if (before && before.stockedQuantity === r.quantity) return "unchanged" as const;
            await adjustStock(
              savepoint,
              {
                variantId,
                locationId: r.locationId,
                reason: "correction",
                newQuantity: r.quantity,
                note: options.note.slice(0, 500),
              },
              options.actorId,
            );
            return before ? ("updated" as const) : ("created" as const);
          });
          summary[outcome]++;
        } catch (error) {
          fail(r.row, r.sku, error);
        }
      }
    });
    await options.onProgress?.({ processed: start + chunk.length, total: records.length, summary });
  }
  summary.failed.sort((a, b) => a.row - b.row);
  return summary;
}
