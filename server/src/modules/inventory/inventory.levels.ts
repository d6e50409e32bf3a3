import { and, asc, desc, eq, type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { countCap } from "./inventory.adjustments.ts";
import { LocationNotFoundError } from "./inventory.errors.ts";
import { inventoryLevels, stockLocations } from "./inventory.schema.ts";
import type { StockStatus } from "./inventory.service.ts";

/** A stock level as staff see it: one variant at one location. Quantities in whole units. */
export interface StockLevelView {
  variantId: string;
  locationId: string;
  locationName: string;
  locationActive: boolean;
  /** On the shelf. */
  stockedQuantity: number;
  /** Held for unshipped orders. */
  reservedQuantity: number;
  /** stocked − reserved; negative for backorders. */
  availableQuantity: number;
  lowStockThreshold: number;
  manageStock: boolean;
  allowBackorder: boolean;
  /** Out of stock: counted, no backorders, nothing available; low: available at or below the threshold. */
  stockStatus: StockStatus;
  updatedAt: string;
}

const levelColumns = {
  variantId: inventoryLevels.variantId,
  locationId: inventoryLevels.locationId,
  locationName: stockLocations.name,
  locationActive: stockLocations.isActive,
  stockedQuantity: inventoryLevels.stockedQuantity,
  reservedQuantity: inventoryLevels.reservedQuantity,
  lowStockThreshold: inventoryLevels.lowStockThreshold,
  manageStock: inventoryLevels.manageStock,
  allowBackorder: inventoryLevels.allowBackorder,
  updatedAt: inventoryLevels.updatedAt,
};

type LevelRow = {
  variantId: string;
  locationId: string;
  locationName: string;
  locationActive: boolean;
  stockedQuantity: number;
  reservedQuantity: number;
  lowStockThreshold: number;
  manageStock: boolean;
  allowBackorder: boolean;
  updatedAt: Date;
};

/** The stock status of one level (same rules as the storefront's, for one location). */
export function levelStatus(level: {
  stockedQuantity: number;
  reservedQuantity: number;
  lowStockThreshold: number;
  manageStock: boolean;
  allowBackorder: boolean;
}): StockStatus {
  if (!level.manageStock) return "in_stock";
  const available = level.stockedQuantity - level.reservedQuantity;
  if (available <= 0 && !level.allowBackorder) return "out_of_stock";
  return available <= level.lowStockThreshold ? "low_stock" : "in_stock";
}

function toView(row: LevelRow): StockLevelView {
  return {
    ...row,
    availableQuantity: row.stockedQuantity - row.reservedQuantity,
    stockStatus: levelStatus(row),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Which levels a stock list keeps, at active locations: low (at or below the threshold, out included)
 * or out of stock.
 */
export type StockFilter = "low" | "out";

/** Filters of the stock list. */
export interface StockLevelQuery {
  locationId?: string;
  status?: StockFilter;
  /**
   * Keeps the levels of these variants only: a SQL subquery selecting variant ids (the catalog's SKU or
   * name search), so that the ids need not be loaded first.
   */
  variants?: SQL;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1-200 levels per page. */
  limit: number;
}

const cursorPattern = /^([^~]{1,100})~([^~]{1,100})$/;

/**
 * Stock levels across the catalog, keyset-paged in primary-key order (variant, location), so a page
 * costs the same on the 1st page as on the 2,000th: no OFFSET. `total` counts up to 10,001.
 * @throws ValidationError (field `cursor`) for a cursor this API did not give
 */
export async function listStockLevels(
  db: Db,
  query: StockLevelQuery,
): Promise<{ items: StockLevelView[]; nextCursor: string | null; total: number }> {
  const cursor = query.cursor ? cursorPattern.exec(query.cursor) : null;
  if (query.cursor && !cursor)
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  const filters: SQL[] = [];
  if (query.locationId) filters.push(eq(inventoryLevels.locationId, query.locationId));
  if (query.status) {
    const available = sql`${inventoryLevels.stockedQuantity} - ${inventoryLevels.reservedQuantity}`;
    filters.push(
      query.status === "out"
        ? sql`${inventoryLevels.manageStock} and not ${inventoryLevels.allowBackorder} and ${available} <= 0`
        : sql`${inventoryLevels.manageStock} and ${available} <= ${inventoryLevels.lowStockThreshold}`,
      // Inactive locations sell nothing: nothing there is "low".
      sql`exists (select 1 from ${stockLocations} sl where sl.id = ${inventoryLevels.locationId} and sl.is_active)`,
    );
  }
  if (query.variants) filters.push(sql`${inventoryLevels.variantId} in (${query.variants})`);
  const page = [...filters];
  if (cursor) {
    page.push(
      sql`(${inventoryLevels.variantId}, ${inventoryLevels.locationId}) > (${cursor[1]!}, ${cursor[2]!})`,
    );
  }
  const rows = await db
    .select(levelColumns)
    .from(inventoryLevels)
    .innerJoin(stockLocations, eq(stockLocations.id, inventoryLevels.locationId))
    .where(page.length ? and(...page) : undefined)
    .orderBy(asc(inventoryLevels.variantId), asc(inventoryLevels.locationId))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(toView);
  const last = items.at(-1);
  const [counted] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${inventoryLevels}
      ${filters.length ? sql`where ${and(...filters)}` : sql``} limit ${countCap}) capped`,
  );
  return {
    items,
    nextCursor: rows.length > query.limit && last ? `${last.variantId}~${last.locationId}` : null,
    total: Number(counted?.n ?? 0),
  };
}

/** Every stock level of a variant: the default location first, then by location name. */
export async function stockLevelsOfVariant(db: Db, variantId: string): Promise<StockLevelView[]> {
  const rows = await db
    .select(levelColumns)
    .from(inventoryLevels)
    .innerJoin(stockLocations, eq(stockLocations.id, inventoryLevels.locationId))
    .where(eq(inventoryLevels.variantId, variantId))
    .orderBy(desc(stockLocations.isDefault), asc(stockLocations.name));
  return rows.map(toView);
}

/** One stock level, or null when the variant has none at the location. */
export async function stockLevelView(
  db: Db,
  variantId: string,
  locationId: string,
): Promise<StockLevelView | null> {
  const [row] = await db
    .select(levelColumns)
    .from(inventoryLevels)
    .innerJoin(stockLocations, eq(stockLocations.id, inventoryLevels.locationId))
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return row ? toView(row) : null;
}

/** Settings of a level staff may change. */
export interface StockLevelSettings {
  /** Available units at or below which the level counts as low (and `stock.low` is raised). */
  lowStockThreshold?: number;
  /** Off: the variant is not counted here (always available). */
  manageStock?: boolean;
  /** On: orders may take it below zero available. */
  allowBackorder?: boolean;
}

/**
 * Changes the threshold and stock settings of a variant at a location, in the caller's transaction
 * (the level is created, with nothing on hand, if the variant has none there). Returns the level before
 * (null when created) and after.
 * @throws ValidationError naming the field (nothing to change; a threshold below 0)
 * @throws LocationNotFoundError 404
 */
export async function updateStockLevelSettings(
  tx: Db,
  variantId: string,
  locationId: string,
  settings: StockLevelSettings,
): Promise<{ before: StockLevelView | null; after: StockLevelView }> {
  const changes = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length === 0) {
    throw new ValidationError([
      { field: "lowStockThreshold", message: "give lowStockThreshold, manageStock or allowBackorder" },
    ]);
  }
  if (
    settings.lowStockThreshold !== undefined &&
    (!Number.isSafeInteger(settings.lowStockThreshold) || settings.lowStockThreshold < 0)
  ) {
    throw new ValidationError([
      { field: "lowStockThreshold", message: "must be a whole number of units, 0 or more" },
    ]);
  }
  const [location] = await tx
    .select({ id: stockLocations.id })
    .from(stockLocations)
    .where(eq(stockLocations.id, locationId))
    .for("share");
  if (!location) throw new LocationNotFoundError(locationId);
  const [locked] = await tx
    .select({ variantId: inventoryLevels.variantId })
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)))
    .for("update");
  const before = locked ? await stockLevelView(tx, variantId, locationId) : null;
  await tx
    .insert(inventoryLevels)
    .values({ variantId, locationId, stockedQuantity: 0, ...changes })
    .onConflictDoUpdate({
      target: [inventoryLevels.variantId, inventoryLevels.locationId],
      set: { ...changes, updatedAt: new Date() },
    });
  return { before, after: (await stockLevelView(tx, variantId, locationId))! };
}
