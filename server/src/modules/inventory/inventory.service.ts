import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { AppError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { runPart, runSql, type SqlPart } from "../../platform/statements.ts";
import { ledgerId, raiseLowStock, writeLedger } from "./inventory.ledger.ts";
import { inventoryLevels, reservations, stockLocations } from "./inventory.schema.ts";

export type { StockLowEvent } from "./inventory.ledger.ts";

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock";

/** Availability of one variant summed over all stock locations. Quantities are whole units. */
export interface Availability {
  variantId: string;
  availableQuantity: number;
  stockStatus: StockStatus;
  /** True when the variant can be sold now (stock, backorder or untracked). */
  purchasable: boolean;
  /** True when any quantity can be sold: stock not tracked, or backorders allowed. */
  unlimited: boolean;
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
 * $1 variant ids, $2 location ids, $3 units on hand, $4 manage stock, $5 allow backorder, $6 low-stock
 * threshold (null keeps the level's own, 5 for a new level), $7 a ledger id per row. Existing levels
 * are locked (in key order, so two imports never wait on each other in a cycle) and read as they
 * stand, then updated; missing ones are inserted; every level whose units on hand changed gets a
 * ledger row (`import`, no actor) in the same statement.
 */
const setStockSql = `with stock_in as (
    select * from unnest($1::text[], $2::text[], $3::int[], $4::bool[], $5::bool[], $6::int[], $7::text[])
      as x(variant_id, location_id, qty, manage, backorder, threshold, adj_id)
  ), stock_old as (
    select l.variant_id, l.location_id, l.stocked_quantity from "inventory_levels" l
    join stock_in x on x.variant_id = l.variant_id and x.location_id = l.location_id
    order by l.variant_id, l.location_id
    for update of l
  ), stock_updated as (
    update "inventory_levels" il set stocked_quantity = x.qty,
      manage_stock = coalesce(x.manage, il.manage_stock),
      allow_backorder = coalesce(x.backorder, il.allow_backorder),
      low_stock_threshold = coalesce(x.threshold, il.low_stock_threshold),
      updated_at = now()
    from stock_in x join stock_old o on o.variant_id = x.variant_id and o.location_id = x.location_id
    where il.variant_id = x.variant_id and il.location_id = x.location_id
    returning il.variant_id, il.location_id, o.stocked_quantity as before, il.stocked_quantity as after, x.adj_id
  ), stock_inserted as (
    insert into "inventory_levels" (variant_id, location_id, stocked_quantity, manage_stock, allow_backorder,
      low_stock_threshold)
    select x.variant_id, x.location_id, x.qty, coalesce(x.manage, true), coalesce(x.backorder, false),
      coalesce(x.threshold, 5)
    from stock_in x
    where not exists (select 1 from stock_old o where o.variant_id = x.variant_id and o.location_id = x.location_id)
    on conflict (variant_id, location_id) do nothing
    returning variant_id, location_id, stocked_quantity
  ), stock_changes as (
    select variant_id, location_id, before, after, adj_id from stock_updated where before <> after
    union all
    select i.variant_id, i.location_id, 0, i.stocked_quantity, x.adj_id from stock_inserted i
    join stock_in x on x.variant_id = i.variant_id and x.location_id = i.location_id
    where i.stocked_quantity <> 0
  )
  insert into "stock_adjustments" (id, variant_id, location_id, reason, delta, before, after)
  select adj_id, variant_id, location_id, 'import', after - before, before, after from stock_changes`;

/**
 * Sets the on-hand quantity of variants at a location (an absolute count, as from a stock take or an
 * import), keeping their reservations, with ONE statement per call: the levels are locked, set, and
 * every level whose units on hand changed gets a ledger row (reason `import`, no actor). Settings left
 * out (`manageStock`, `allowBackorder`, `lowStockThreshold`) keep the level's own (defaults for a new
 * level: counted, no backorders, threshold 5). A pair given twice counts once (the last one).
 * @throws ValidationError when a quantity is negative or not an integer.
 */
export async function setStockLevels(db: Db, levels: StockLevelInput[]): Promise<void> {
  if (levels.length === 0) return;
  const byKey = new Map<string, StockLevelInput>();
  for (const level of levels) {
    if (!Number.isSafeInteger(level.stockedQuantity) || level.stockedQuantity < 0) {
      throw new ValidationError([{ field: "qty", message: "must be a whole number of units, 0 or more" }]);
    }
    if (
      level.lowStockThreshold !== undefined &&
      (!Number.isSafeInteger(level.lowStockThreshold) || level.lowStockThreshold < 0)
    ) {
      throw new ValidationError([
        { field: "lowStockThreshold", message: "must be a whole number of units, 0 or more" },
      ]);
    }
    byKey.set(`${level.variantId}\u0000${level.locationId}`, level);
  }
  const rows = [...byKey.values()];
  await runSql(db, setStockSql, [
    rows.map((l) => l.variantId),
    rows.map((l) => l.locationId),
    rows.map((l) => l.stockedQuantity),
    rows.map((l) => l.manageStock ?? null),
    rows.map((l) => l.allowBackorder ?? null),
    rows.map((l) => l.lowStockThreshold ?? null),
    rows.map(() => ledgerId("adj")),
  ]);
}

/** Removes the stock rows of variants that no longer exist. */
export async function deleteStockLevels(db: Db, variantIds: string[]): Promise<void> {
  if (variantIds.length)
    await db.delete(inventoryLevels).where(inArray(inventoryLevels.variantId, variantIds));
}

/** Availability of a variant that has no stock row: nothing to sell. */
export function noStock(variantId: string): Availability {
  return {
    variantId,
    availableQuantity: 0,
    stockStatus: "out_of_stock",
    purchasable: false,
    unlimited: false,
  };
}

/** SQL condition "the location in this column is active" (an inactive location sells nothing). */
function activeLocation(locationIdColumn: unknown): SQL {
  return sql`exists (select 1 from ${stockLocations} sl where sl.id = ${locationIdColumn} and sl.is_active)`;
}

/**
 * Availability of variants, summed over all active locations (one query). `variants` is a list of
 * variant ids or a SQL subquery selecting them (so a caller can ask without first loading the ids). Variants
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
      and(
        Array.isArray(variants)
          ? anyText(inventoryLevels.variantId, variants)
          : sql`${inventoryLevels.variantId} in (${variants})`,
        activeLocation(inventoryLevels.locationId),
      ),
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
      unlimited: row.untracked || row.backorder,
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
    and (not il.manage_stock or il.allow_backorder or il.stocked_quantity - il.reserved_quantity > 0)
    and ${activeLocation(sql`il.location_id`)})`;
}

/** Stocked and reserved quantity of one variant at one location, or null when it has no row. */
export async function getStockLevel(db: Db, variantId: string, locationId: string) {
  const rows = await db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return rows[0] ?? null;
}

/** A line that could not be reserved: not enough stock at any one location. */
export interface ShortLine {
  variantId: string;
  requested: number;
  available: number;
}

/** Raised when stock cannot be reserved for an order: 409 OUT_OF_STOCK naming each short variant. */
export class OutOfStockError extends AppError {
  constructor(readonly lines: ShortLine[]) {
    super(
      409,
      "OUT_OF_STOCK",
      lines.length === 1
        ? `Only ${lines[0]!.available} left of the requested ${lines[0]!.requested}.`
        : "Some items are no longer available in the requested quantity.",
      lines.map((l) => ({
        field: `variant:${l.variantId}`,
        message: `${l.available} available, ${l.requested} requested`,
      })),
    );
  }
}

/** A line the reservation statement took, as its part reads it (see `reserveStockPart`). */
export interface ReservedLine {
  variantId: string;
  locationId: string;
  manageStock: boolean;
  /** Units left available at the location after this reservation. */
  available: number;
  lowStockThreshold: number;
  quantity: number;
}

/**
 * The reservation statement: $1 variant ids (sorted), $2 units per variant, $3 reservation ids, $4 the
 * order id. Per variant (in array order, so two orders lock shared rows in the same order and never
 * wait on each other in a cycle) it locks the level with the most available stock that covers the
 * units at an active location (an inactive one sells nothing), then ONE conditional UPDATE takes them
 * from every locked level (the condition is re-checked on the row as it stands after any wait), and
 * the reservations are recorded.
 */
const reserveHelpers = `stock_req as (
    select r.variant_id, r.qty, r.n from unnest($1::text[], $2::int[]) with ordinality as r(variant_id, qty, n)
  ), stock_target as (
    select lvl.variant_id, lvl.location_id, stock_req.qty, stock_req.n from stock_req
    cross join lateral (
      select variant_id, location_id from "inventory_levels" lv
      where variant_id = stock_req.variant_id
        and (not manage_stock or allow_backorder or stocked_quantity - reserved_quantity >= stock_req.qty)
        and exists (select 1 from "stock_locations" sl where sl.id = lv.location_id and sl.is_active)
      order by (not manage_stock) desc, stocked_quantity - reserved_quantity desc, location_id
      limit 1
      for update
    ) lvl
  ), stock_taken as (
    update "inventory_levels" il
      set reserved_quantity = il.reserved_quantity + case when il.manage_stock then t.qty else 0 end,
          updated_at = now()
    from stock_target t
    where il.variant_id = t.variant_id and il.location_id = t.location_id
      and (not il.manage_stock or il.allow_backorder or il.stocked_quantity - il.reserved_quantity >= t.qty)
    returning il.variant_id, il.location_id, il.manage_stock, il.stocked_quantity - il.reserved_quantity as available,
      il.low_stock_threshold, t.qty, t.n
  ), stock_held as (
    insert into "reservations" (id, variant_id, location_id, order_id, quantity)
    select ($3::text[])[t.n], t.variant_id, t.location_id, $4, t.qty from stock_taken t where t.manage_stock
  )`;

/** Units requested per variant, duplicate lines summed. */
function unitsByVariant(requests: { variantId: string; quantity: number }[]): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const r of requests) wanted.set(r.variantId, (wanted.get(r.variantId) ?? 0) + r.quantity);
  return wanted;
}

/**
 * `reserveStock`'s statement as a part of another statement (the order's insert, see
 * platform/statements.ts): reads the lines it took. Finish with `checkReservation` in the same
 * transaction. `requests` are whole units per variant (duplicates are summed).
 */
export function reserveStockPart(
  orderId: string,
  requests: { variantId: string; quantity: number }[],
): SqlPart<ReservedLine[]> {
  const wanted = unitsByVariant(requests);
  const variantIds = [...wanted.keys()].sort();
  return {
    ctes: reserveHelpers,
    text: "select * from stock_taken",
    params: [variantIds, variantIds.map((v) => wanted.get(v)!), variantIds.map(() => newId("res")), orderId],
    read: (rows) =>
      rows.map((r) => ({
        variantId: r.variant_id as string,
        locationId: r.location_id as string,
        manageStock: r.manage_stock as boolean,
        available: Number(r.available),
        lowStockThreshold: Number(r.low_stock_threshold),
        quantity: Number(r.qty),
      })),
  };
}

/**
 * Reserves stock for an order inside the caller's transaction, with ONE statement for all its lines
 * (see `reserveStockPart`): concurrent orders can never reserve more than is on hand. Untracked
 * (manage_stock off) variants are not reserved; backorder variants may go below zero available. Writes
 * `stock.low` to the outbox when a reservation takes a level to or below its threshold.
 * @param requests whole units per variant (duplicates are summed)
 * @throws OutOfStockError listing every line that could not be covered (nothing stays reserved: the
 *   caller's transaction must roll back).
 */
export async function reserveStock(
  tx: Db,
  orderId: string,
  requests: { variantId: string; quantity: number }[],
): Promise<void> {
  if (requests.length === 0) return;
  await checkReservation(tx, requests, await runPart(tx, reserveStockPart(orderId, requests)));
}

/**
 * Completes a reservation statement in its transaction: raises OUT_OF_STOCK for every variant it could
 * not take (with what is available now), and writes `stock.low` for levels it took to or below their
 * threshold.
 * @throws OutOfStockError (the caller's transaction must roll back)
 */
export async function checkReservation(
  tx: Db,
  requests: { variantId: string; quantity: number }[],
  reserved: ReservedLine[],
): Promise<void> {
  const wanted = unitsByVariant(requests);
  const taken = new Set(reserved.map((r) => r.variantId));
  const missing = [...wanted.keys()].filter((v) => !taken.has(v)).sort();
  if (missing.length) {
    const availability = await getAvailability(tx, missing);
    throw new OutOfStockError(
      missing.map((variantId) => ({
        variantId,
        requested: wanted.get(variantId)!,
        available: availability.get(variantId)?.availableQuantity ?? 0,
      })),
    );
  }
  await raiseLowStock(
    tx,
    reserved.map((r) => ({
      variantId: r.variantId,
      locationId: r.locationId,
      manageStock: r.manageStock,
      availableBefore: r.available + r.quantity,
      availableAfter: r.available,
      lowStockThreshold: r.lowStockThreshold,
    })),
  );
}

/**
 * Releases an order's active reservations (cancellation, payment failure, expiry) in the caller's
 * transaction. Idempotent: released or fulfilled reservations are left alone. Returns units released.
 */
export async function releaseReservations(tx: Db, orderId: string): Promise<number> {
  const result = (await tx.execute(sql`
    with released as (
      update ${reservations} set status = 'released', closed_at = now()
      where order_id = ${orderId} and status = 'active'
      returning variant_id, location_id, quantity
    ), totals as (
      select variant_id, location_id, sum(quantity)::int as quantity from released group by 1, 2
    )
    update ${inventoryLevels} il set reserved_quantity = greatest(il.reserved_quantity - totals.quantity, 0),
      updated_at = now()
    from totals where il.variant_id = totals.variant_id and il.location_id = totals.location_id
    returning totals.quantity`)) as unknown as { rows: { quantity: number }[] };
  return result.rows.reduce((sum, r) => sum + Number(r.quantity), 0);
}

/**
 * Releases up to `quantity` units of an order's active reservations of one variant (an order edit
 * removed units, a per-item refund put unshipped units back), in the caller's transaction: the newest
 * reservations shrink first (a reservation reaching 0 closes as `released`, a partly released one
 * keeps the rest active and a `released` row records the units let go), and each level's reserved
 * quantity drops by what was released there. Untracked variants have no reservation: nothing happens.
 * @param quantity whole units, 0 or more
 * @returns units released (at most `quantity`; less when fewer were reserved)
 */
export async function releaseReservedUnits(
  tx: Db,
  orderId: string,
  variantId: string,
  quantity: number,
): Promise<number> {
  if (quantity <= 0) return 0;
  const held = await tx
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.orderId, orderId),
        eq(reservations.variantId, variantId),
        eq(reservations.status, "active"),
      ),
    )
    .orderBy(sql`${reservations.createdAt} desc, ${reservations.id} desc`)
    .for("update");
  let left = quantity;
  for (const reservation of held) {
    if (left === 0) break;
    const taken = Math.min(left, reservation.quantity);
    if (taken === 0) continue;
    left -= taken;
    if (taken === reservation.quantity) {
      await tx
        .update(reservations)
        .set({ status: "released", closedAt: new Date() })
        .where(eq(reservations.id, reservation.id));
    } else {
      await tx
        .update(reservations)
        .set({ quantity: reservation.quantity - taken })
        .where(eq(reservations.id, reservation.id));
      await tx.insert(reservations).values({
        id: newId("res"),
        variantId,
        locationId: reservation.locationId,
        orderId,
        quantity: taken,
        status: "released",
        closedAt: new Date(),
      });
    }
    await tx
      .update(inventoryLevels)
      .set({
        reservedQuantity: sql`greatest(${inventoryLevels.reservedQuantity} - ${taken}, 0)`,
        updatedAt: new Date(),
      })
      .where(
        and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, reservation.locationId)),
      );
  }
  return quantity - left;
}

/** Units reserved for an order (active reservations), by variant. */
export async function reservedForOrder(db: Db, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ variantId: reservations.variantId, quantity: sql<number>`sum(${reservations.quantity})::int` })
    .from(reservations)
    .where(and(eq(reservations.orderId, orderId), eq(reservations.status, "active")))
    .groupBy(reservations.variantId);
  return new Map(rows.map((r) => [r.variantId, Number(r.quantity)]));
}

/**
 * Ships reserved units (fulfilment) in the caller's transaction: the order's reservations of the variant
 * shrink by `quantity` in all, oldest first (each closing as `fulfilled` at 0; an edited order may hold
 * several) and the level's on-hand and reserved quantities
 * both drop by it; the ledger records the sale (reason `sale`, no actor). Untracked variants have no
 * reservation and are skipped. Returns units shipped from stock.
 * @param reason `written_off` for reserved units refunded without restock: they leave the stock the
 *   same way, but the ledger does not count them as sold.
 */
export async function fulfilReservedStock(
  tx: Db,
  orderId: string,
  variantId: string,
  quantity: number,
  reason: "sale" | "written_off" = "sale",
): Promise<number> {
  // An edited order may hold several reservations of one variant (units added later): oldest first.
  const held = await tx
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.orderId, orderId),
        eq(reservations.variantId, variantId),
        eq(reservations.status, "active"),
      ),
    )
    .orderBy(reservations.createdAt, reservations.id)
    .for("update");
  let total = 0;
  for (const reservation of held) {
    if (total >= quantity) break;
    const shipped = Math.min(quantity - total, reservation.quantity);
    const left = reservation.quantity - shipped;
    await tx
      .update(reservations)
      .set(left === 0 ? { quantity: 0, status: "fulfilled", closedAt: new Date() } : { quantity: left })
      .where(eq(reservations.id, reservation.id));
    await tx.insert(reservations).values({
      id: newId("res"),
      variantId,
      locationId: reservation.locationId,
      orderId,
      quantity: shipped,
      status: "fulfilled",
      closedAt: new Date(),
    });
    if (shipped > 0) {
      // The level's new count and the ledger row in one statement: `before` is read off the row as updated.
      await runSql(tx, fulfilSql, [
        variantId,
        reservation.locationId,
        shipped,
        ledgerId("adj"),
        `Order ${orderId}`,
        reason,
      ]);
    }
    total += shipped;
  }
  return total;
}

/** $1 variant, $2 location, $3 units shipped, $4 ledger id, $5 note, $6 reason: ships units and records it. */
const fulfilSql = `with shipped as (
    update "inventory_levels" set stocked_quantity = stocked_quantity - $3,
      reserved_quantity = greatest(reserved_quantity - $3, 0), updated_at = now()
    where variant_id = $1 and location_id = $2
    returning stocked_quantity + $3 as before, stocked_quantity as after
  )
  insert into "stock_adjustments" (id, variant_id, location_id, reason, delta, before, after, note)
  select $4, $1, $2, $6, -$3::int, before, after, $5 from shipped`;

/**
 * Puts returned units back on the shelf (in the caller's transaction): at the location the order's
 * units were shipped from, else the default location; the ledger records it (reason `restock`, no
 * actor). Returns the location id used.
 */
export async function restockUnits(
  tx: Db,
  orderId: string,
  variantId: string,
  quantity: number,
): Promise<string> {
  const [shippedFrom] = await tx
    .select({ locationId: reservations.locationId })
    .from(reservations)
    .where(
      and(
        eq(reservations.orderId, orderId),
        eq(reservations.variantId, variantId),
        eq(reservations.status, "fulfilled"),
      ),
    )
    .limit(1);
  const locationId = shippedFrom?.locationId ?? (await ensureDefaultLocation(tx));
  const [level] = await tx
    .insert(inventoryLevels)
    .values({ variantId, locationId, stockedQuantity: quantity })
    .onConflictDoUpdate({
      target: [inventoryLevels.variantId, inventoryLevels.locationId],
      set: { stockedQuantity: sql`${inventoryLevels.stockedQuantity} + ${quantity}`, updatedAt: new Date() },
    })
    .returning({ after: inventoryLevels.stockedQuantity });
  if (quantity !== 0) {
    await writeLedger(tx, [
      {
        variantId,
        locationId,
        reason: "restock",
        before: level!.after - quantity,
        after: level!.after,
        note: `Order ${orderId}`,
        actorId: null,
      },
    ]);
  }
  return locationId;
}

/** A stock level at or below its low-stock threshold. Quantities in units. */
export interface LowStockLevel {
  variantId: string;
  locationId: string;
  locationName: string;
  stockedQuantity: number;
  reservedQuantity: number;
  /** stocked − reserved; negative for backorders. */
  availableQuantity: number;
  lowStockThreshold: number;
  allowBackorder: boolean;
}

/**
 * Counted stock levels at active locations whose available units (stocked − reserved) are at or
 * below their threshold, emptiest first: what staff should reorder. At most `limit` (1-500) levels.
 */
export async function lowStockLevels(db: Db, limit = 100): Promise<LowStockLevel[]> {
  const rows = await db
    .select({
      variantId: inventoryLevels.variantId,
      locationId: inventoryLevels.locationId,
      locationName: stockLocations.name,
      stockedQuantity: inventoryLevels.stockedQuantity,
      reservedQuantity: inventoryLevels.reservedQuantity,
      availableQuantity: sql<number>`(${inventoryLevels.stockedQuantity} - ${inventoryLevels.reservedQuantity})::int`,
      lowStockThreshold: inventoryLevels.lowStockThreshold,
      allowBackorder: inventoryLevels.allowBackorder,
    })
    .from(inventoryLevels)
    .innerJoin(stockLocations, eq(stockLocations.id, inventoryLevels.locationId))
    .where(
      and(
        eq(inventoryLevels.manageStock, true),
        eq(stockLocations.isActive, true),
        sql`${inventoryLevels.stockedQuantity} - ${inventoryLevels.reservedQuantity} <= ${inventoryLevels.lowStockThreshold}`,
      ),
    )
    .orderBy(
      sql`${inventoryLevels.stockedQuantity} - ${inventoryLevels.reservedQuantity}`,
      inventoryLevels.variantId,
      inventoryLevels.locationId,
    )
    .limit(Math.min(Math.max(limit, 1), 500));
  return rows.map((r) => ({ ...r, availableQuantity: Number(r.availableQuantity) }));
}

/**
 * Variants whose stock changed (any level written: stock set, reserved, released, fulfilled,
 * restocked) at or after `since` (ISO 8601; the database's clock), and the database's time now, to
 * pass as `since` next time. For read models that show stock (the search index).
 */
export async function stockChangedSince(
  db: Db,
  since: string | null,
): Promise<{ variantIds: string[]; until: string }> {
  const rows = await queryRows<{ variant_id: string | null; until: string }>(
    db,
    sql`select l.variant_id, now()::text as until from (select 1) one
      left join ${inventoryLevels} l on ${since === null ? sql`false` : sql`l.updated_at >= ${since}::timestamptz`}`,
  );
  return {
    variantIds: [...new Set(rows.flatMap((r) => (r.variant_id ? [r.variant_id] : [])))],
    until: rows[0]!.until,
  };
}
