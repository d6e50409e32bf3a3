import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { anyText, type Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { inventoryLevels, stockLocations } from "./inventory.schema.ts";

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock";

/** Availability of one variant summed over all stock locations. Quantities are whole units. */
export interface Availability {
  variantId: string;
  availableQuantity: number;
  stockStatus: StockStatus;
  /** True when the variant can be sold now (stock, backorder or untracked). */
  purchasable: boolean;
}

export const defaultLocationCode = "default";

/** Returns the id of the default stock location, creating it on first use. */
export async function ensureDefaultLocation(db: Db): Promise<string> {
  const existing = await db
    .select({ id: stockLocations.id })
    .from(stockLocations)
    .where(eq(stockLocations.isDefault, true))
    .limit(1);
  if (existing[0]) return existing[0].id;
  await db
    .insert(stockLocations)
    .values({ id: newId("loc"), code: defaultLocationCode, name: "Default warehouse", isDefault: true })
    .onConflictDoNothing();
  const row = await db
    .select({ id: stockLocations.id })
    .from(stockLocations)
    .where(eq(stockLocations.code, defaultLocationCode));
  return row[0]!.id;
}

/** Stock settings of a variant at a location. Quantities are whole units. */
export interface StockLevelInput {
  variantId: string;
  locationId: string;
  stockedQuantity: number;
  manageStock?: boolean;
  allowBackorder?: boolean;
  lowStockThreshold?: number;
}

/**
 * Sets the on-hand quantity of variants at a location (an absolute count, as from a stock take or an
 * import), keeping their reservations. Runs as one statement per call.
 * @throws ValidationError when a quantity is negative or not an integer.
 */
export async function setStockLevels(db: Db, levels: StockLevelInput[]): Promise<void> {
  if (levels.length === 0) return;
  for (const level of levels) {
    if (!Number.isSafeInteger(level.stockedQuantity) || level.stockedQuantity < 0) {
      throw new ValidationError([{ field: "qty", message: "must be a whole number of units, 0 or more" }]);
    }
  }
  await db
    .insert(inventoryLevels)
    .values(
      levels.map((l) => ({
        variantId: l.variantId,
        locationId: l.locationId,
        stockedQuantity: l.stockedQuantity,
        manageStock: l.manageStock ?? true,
        allowBackorder: l.allowBackorder ?? false,
        lowStockThreshold: l.lowStockThreshold ?? 5,
      })),
    )
    .onConflictDoUpdate({
      target: [inventoryLevels.variantId, inventoryLevels.locationId],
      set: {
        stockedQuantity: sql`excluded.stocked_quantity`,
        manageStock: sql`excluded.manage_stock`,
        allowBackorder: sql`excluded.allow_backorder`,
        lowStockThreshold: sql`excluded.low_stock_threshold`,
        updatedAt: sql`now()`,
      },
    });
}

/** Removes the stock rows of variants that no longer exist. */
export async function deleteStockLevels(db: Db, variantIds: string[]): Promise<void> {
  if (variantIds.length)
    await db.delete(inventoryLevels).where(inArray(inventoryLevels.variantId, variantIds));
}

/** Availability of a variant that has no stock row: nothing to sell. */
export function noStock(variantId: string): Availability {
  return { variantId, availableQuantity: 0, stockStatus: "out_of_stock", purchasable: false };
}

/**
 * Availability of variants, summed over all locations (one query). `variants` is a list of variant ids
 * or a SQL subquery selecting them (so a caller can ask without first loading the ids). Variants
 * without any stock row are absent from the map: read it with `?? noStock(id)`. Low stock: available
 * at or below the threshold but above zero.
 */
export async function getAvailability(db: Db, variants: string[] | SQL): Promise<Map<string, Availability>> {
  const result = new Map<string, Availability>();
  if (Array.isArray(variants) && variants.length === 0) return result;
  const rows = await db
    .select({
      variantId: inventoryLevels.variantId,
      available: sql<number>`coalesce(sum(greatest(${inventoryLevels.stockedQuantity} - ${inventoryLevels.reservedQuantity}, 0)), 0)::int`,
      untracked: sql<boolean>`bool_or(not ${inventoryLevels.manageStock})`,
      backorder: sql<boolean>`bool_or(${inventoryLevels.allowBackorder})`,
      threshold: sql<number>`max(${inventoryLevels.lowStockThreshold})::int`,
    })
    .from(inventoryLevels)
    .where(
      Array.isArray(variants)
        ? anyText(inventoryLevels.variantId, variants)
        : sql`${inventoryLevels.variantId} in (${variants})`,
    )
    .groupBy(inventoryLevels.variantId);
  for (const row of rows) {
    const available = Number(row.available);
    const purchasable = row.untracked || row.backorder || available > 0;
    const stockStatus: StockStatus = row.untracked
      ? "in_stock"
      : available <= 0
        ? row.backorder
          ? "in_stock"
          : "out_of_stock"
        : available <= Number(row.threshold)
          ? "low_stock"
          : "in_stock";
    result.set(row.variantId, {
      variantId: row.variantId,
      availableQuantity: Math.max(available, 0),
      stockStatus,
      purchasable,
    });
  }
  return result;
}

/**
 * SQL condition "this variant id can be sold now", for other modules' listing queries to embed
 * (they pass the column holding the variant id). Keeps the inventory tables private to this module.
 */
export function purchasableVariantCondition(variantIdColumn: unknown) {
  return sql`exists (select 1 from ${inventoryLevels} il where il.variant_id = ${variantIdColumn}
    and (not il.manage_stock or il.allow_backorder or il.stocked_quantity - il.reserved_quantity > 0))`;
}

/** Stocked and reserved quantity of one variant at one location, or null when it has no row. */
export async function getStockLevel(db: Db, variantId: string, locationId: string) {
  const rows = await db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return rows[0] ?? null;
}
