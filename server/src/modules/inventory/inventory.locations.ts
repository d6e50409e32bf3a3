import { asc, desc, eq, ne, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { LocationNotFoundError, StockConflictError } from "./inventory.errors.ts";
import { inventoryLevels, reservations, stockAdjustments, stockLocations } from "./inventory.schema.ts";

/** A stock location as staff see it, with what it holds (whole units, over every variant). */
export interface StockLocationView {
  id: string;
  /** Short unique code: lower-case letters, digits, `-` and `_`. */
  code: string;
  name: string;
  isDefault: boolean;
  isActive: boolean;
  /** Bumped by every save: the ETag. */
  version: number;
  createdAt: string;
  /** Variants with a stock level here. */
  skuCount: number;
  stockedQuantity: number;
  reservedQuantity: number;
}

/** The editable fields of a location (what an audit entry compares). */
export interface StockLocationFields {
  code: string;
  name: string;
  isDefault: boolean;
  isActive: boolean;
}

type LocationRow = typeof stockLocations.$inferSelect;

const codePattern = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The editable fields of a location (for audit entries' before/after). */
export function locationFields(row: StockLocationFields): StockLocationFields {
  return { code: row.code, name: row.name, isDefault: row.isDefault, isActive: row.isActive };
}

/** Location rows with their totals. */
async function withTotals(db: Db, rows: LocationRow[]): Promise<StockLocationView[]> {
  if (rows.length === 0) return [];
  const totals = await queryRows<{ location_id: string; skus: number; stocked: string; reserved: string }>(
    db,
    sql`select location_id, count(*)::int as skus, coalesce(sum(stocked_quantity), 0)::bigint as stocked,
        coalesce(sum(reserved_quantity), 0)::bigint as reserved
      from ${inventoryLevels}
      where location_id = any(${sql.param(rows.map((r) => r.id))}::text[])
      group by location_id`,
  );
  const byId = new Map(totals.map((t) => [t.location_id, t]));
  return rows.map((r) => {
    const t = byId.get(r.id);
    return {
      ...r,
      createdAt: r.createdAt.toISOString(),
      skuCount: Number(t?.skus ?? 0),
      stockedQuantity: Number(t?.stocked ?? 0),
      reservedQuantity: Number(t?.reserved ?? 0),
    };
  });
}

/** Every stock location, the default first, then active ones, by name. */
export async function listStockLocations(db: Db): Promise<StockLocationView[]> {
  const rows = await db
    .select()
    .from(stockLocations)
    .orderBy(desc(stockLocations.isDefault), desc(stockLocations.isActive), asc(stockLocations.name));
  return withTotals(db, rows);
}

/**
 * One stock location with its totals.
 * @throws LocationNotFoundError (404 LOCATION_NOT_FOUND)
 */
export async function getStockLocation(db: Db, id: string): Promise<StockLocationView> {
  const [row] = await db.select().from(stockLocations).where(eq(stockLocations.id, id));
  if (!row) throw new LocationNotFoundError(id);
  return (await withTotals(db, [row]))[0]!;
}

/** Names of locations by id (ids not found are absent). */
export async function locationNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: stockLocations.id, name: stockLocations.name })
    .from(stockLocations)
    .where(sql`${stockLocations.id} = any(${sql.param(ids)}::text[])`);
  return new Map(rows.map((r) => [r.id, r.name]));
}

function checkFields(input: { code?: string; name?: string }): { code?: string; name?: string } {
  const out: { code?: string; name?: string } = {};
  if (input.code !== undefined) {
    const code = input.code.trim().toLowerCase();
    if (!codePattern.test(code)) {
      throw new ValidationError([
        {
          field: "code",
          message: "use 1-40 lower-case letters, digits, - and _ (starting with a letter or digit)",
        },
      ]);
    }
    out.code = code;
  }
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100)
      throw new ValidationError([{ field: "name", message: "must be 1-100 characters" }]);
    out.name = name;
  }
  return out;
}

async function assertCodeFree(tx: Db, code: string, exceptId: string | null): Promise<void> {
  const [taken] = await tx
    .select({ id: stockLocations.id })
    .from(stockLocations)
    .where(
      exceptId
        ? sql`${stockLocations.code} = ${code} and ${stockLocations.id} <> ${exceptId}`
        : eq(stockLocations.code, code),
    );
  if (taken)
    throw new StockConflictError(
      "LOCATION_CODE_TAKEN",
      `Another location already has the code "${code}".`,
      "code",
    );
}

/**
 * Locks every location row (a handful): changing which one is the default is serialised, so two
 * concurrent switches cannot leave two defaults.
 */
async function lockAllLocations(tx: Db): Promise<LocationRow[]> {
  return tx.select().from(stockLocations).orderBy(stockLocations.id).for("update");
}

/** Takes the default flag from every other location (bumping their versions). Returns those changed. */
async function clearOtherDefaults(tx: Db, id: string): Promise<LocationRow[]> {
  return tx
    .update(stockLocations)
    .set({ isDefault: false, version: sql`${stockLocations.version} + 1` })
    .where(sql`${stockLocations.isDefault} and ${ne(stockLocations.id, id)}`)
    .returning();
}

/**
 * Creates a stock location in the caller's transaction. Making it the default takes the flag from the
 * current default.
 * @throws ValidationError naming `code`, `name` or `isDefault` (an inactive location cannot be the default)
 * @throws StockConflictError 409 LOCATION_CODE_TAKEN (field `code`)
 */
export async function createStockLocation(
  tx: Db,
  input: { code: string; name: string; isActive?: boolean; isDefault?: boolean },
): Promise<{ location: StockLocationView; previousDefault: LocationRow[] }> {
  const fields = checkFields(input);
  const isActive = input.isActive ?? true;
  const isDefault = input.isDefault ?? false;
  if (isDefault && !isActive)
    throw new ValidationError([
      { field: "isDefault", message: "an inactive location cannot be the default" },
    ]);
  if (isDefault) await lockAllLocations(tx);
  await assertCodeFree(tx, fields.code!, null);
  const id = newId("loc");
  const previousDefault = isDefault ? await clearOtherDefaults(tx, id) : [];
  await tx.insert(stockLocations).values({ id, code: fields.code!, name: fields.name!, isActive, isDefault });
  return { location: await getStockLocation(tx, id), previousDefault };
}

/** What a location update may change. `isDefault: true` makes it the default (false is refused on the default). */
export interface StockLocationPatch {
  code?: string;
  name?: string;
  isActive?: boolean;
  isDefault?: boolean;
}

/**
 * Changes a location in the caller's transaction under optimistic concurrency: `expectedVersion` (from
 * If-Match) must be the stored version, and a save bumps it. A save that changes nothing leaves the
 * version as it is. Making it the default takes the flag (and bumps the version) of the old default.
 * @throws LocationNotFoundError 404
 * @throws StaleVersionError 409 STALE_VERSION
 * @throws ValidationError naming `code`, `name` or `isDefault`
 * @throws StockConflictError 409 LOCATION_CODE_TAKEN (field `code`), DEFAULT_LOCATION (field
 *   `isActive`: the default location must stay active)
 */
export async function updateStockLocation(
  tx: Db,
  id: string,
  patch: StockLocationPatch,
  expectedVersion: number | undefined,
): Promise<{ before: LocationRow; after: StockLocationView; previousDefault: LocationRow[] }> {
  const fields = checkFields(patch);
  const rows = patch.isDefault
    ? await lockAllLocations(tx)
    : await tx.select().from(stockLocations).where(eq(stockLocations.id, id)).for("update");
  const before = rows.find((r) => r.id === id);
  if (!before) throw new LocationNotFoundError(id);
  assertVersion("stock location", before.version, expectedVersion);
  if (patch.isDefault === false && before.isDefault) {
    throw new ValidationError([{ field: "isDefault", message: "make another location the default instead" }]);
  }
  const next: StockLocationFields = {
    code: fields.code ?? before.code,
    name: fields.name ?? before.name,
    isActive: patch.isActive ?? before.isActive,
    isDefault: patch.isDefault === true ? true : before.isDefault,
  };
  if (next.isDefault && !next.isActive) {
    throw new StockConflictError(
      "DEFAULT_LOCATION",
      "The default location must stay active: make another location the default first.",
      "isActive",
    );
  }
  const changed = (Object.keys(next) as (keyof StockLocationFields)[]).some((k) => next[k] !== before[k]);
  if (!changed) return { before, after: await getStockLocation(tx, id), previousDefault: [] };
  if (next.code !== before.code) await assertCodeFree(tx, next.code, id);
  const previousDefault = next.isDefault && !before.isDefault ? await clearOtherDefaults(tx, id) : [];
  await tx
    .update(stockLocations)
    .set({ ...next, version: before.version + 1 })
    .where(eq(stockLocations.id, id));
  if (next.isActive !== before.isActive) {
    // What the variants stocked here can sell changed: read models following stock changes (the
    // search index, through `stockChangedSince`) pick them up.
    await tx.update(inventoryLevels).set({ updatedAt: new Date() }).where(eq(inventoryLevels.locationId, id));
  }
  return { before, after: await getStockLocation(tx, id), previousDefault };
}

/**
 * Deletes a location that never held stock, in the caller's transaction (its empty stock rows go with
 * it). A location with stock on hand or reserved, or with any ledger or reservation history, is kept:
 * deactivate it instead.
 * @throws LocationNotFoundError 404
 * @throws StaleVersionError 409 STALE_VERSION
 * @throws StockConflictError 409 DEFAULT_LOCATION, LOCATION_HAS_STOCK, LOCATION_HAS_HISTORY
 */
export async function deleteStockLocation(
  tx: Db,
  id: string,
  expectedVersion: number | undefined,
): Promise<LocationRow> {
  const [row] = await tx.select().from(stockLocations).where(eq(stockLocations.id, id)).for("update");
  if (!row) throw new LocationNotFoundError(id);
  assertVersion("stock location", row.version, expectedVersion);
  if (row.isDefault) {
    throw new StockConflictError(
      "DEFAULT_LOCATION",
      "The default location cannot be deleted: make another location the default first.",
    );
  }
  const [usage] = await queryRows<{ stocked: boolean; history: boolean }>(
    tx,
    sql`select
        exists (select 1 from ${inventoryLevels} where location_id = ${id}
          and (stocked_quantity <> 0 or reserved_quantity <> 0)) as stocked,
        (exists (select 1 from ${stockAdjustments} where location_id = ${id})
          or exists (select 1 from ${reservations} where location_id = ${id})) as history`,
  );
  if (usage?.stocked) {
    throw new StockConflictError(
      "LOCATION_HAS_STOCK",
      `"${row.name}" holds stock: move or write it off first, or deactivate the location instead.`,
    );
  }
  if (usage?.history) {
    throw new StockConflictError(
      "LOCATION_HAS_HISTORY",
      `"${row.name}" has stock history, which is kept: deactivate the location instead.`,
    );
  }
  await tx.delete(inventoryLevels).where(eq(inventoryLevels.locationId, id));
  await tx.delete(stockLocations).where(eq(stockLocations.id, id));
  return row;
}
