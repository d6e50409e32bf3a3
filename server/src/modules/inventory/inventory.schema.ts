import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** A place stock is kept (warehouse, store). One is the default. */
export const stockLocations = pgTable(
  "stock_locations",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    /** An inactive location keeps its history but takes no new stock and sells none. */
    isActive: boolean("is_active").notNull().default(true),
    /** Bumped by every staff save; the admin API's ETag. */
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("stock_locations_code_key").on(t.code)],
);

/**
 * Stock of one variant at one location. `stockedQuantity` is on hand, `reservedQuantity` is held by
 * open orders; available = stocked - reserved. `variantId` is the catalog's variant id (opaque here).
 */
export const inventoryLevels = pgTable(
  "inventory_levels",
  {
    variantId: text("variant_id").notNull(),
    locationId: text("location_id")
      .notNull()
      .references(() => stockLocations.id, { onDelete: "restrict" }),
    stockedQuantity: integer("stocked_quantity").notNull().default(0),
    reservedQuantity: integer("reserved_quantity").notNull().default(0),
    /** Not tracked: always available (services, digital goods). */
    manageStock: boolean("manage_stock").notNull().default(true),
    allowBackorder: boolean("allow_backorder").notNull().default(false),
    /** Available quantity at or below which the variant counts as low stock. */
    lowStockThreshold: integer("low_stock_threshold").notNull().default(5),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.variantId, t.locationId] }),
    index("inventory_levels_location_idx").on(t.locationId),
  ],
);

/**
 * Stock held for an order: created with the order (the level's `reservedQuantity` grows in the same
 * statement), released on cancellation, payment failure or expiry, fulfilled on shipment.
 */
export const reservations = pgTable(
  "reservations",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id").notNull(),
    locationId: text("location_id").notNull(),
    orderId: text("order_id").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status").$type<"active" | "released" | "fulfilled">().notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    index("reservations_order_idx").on(t.orderId),
    index("reservations_variant_idx").on(t.variantId, t.status),
    index("reservations_location_idx").on(t.locationId, t.status),
  ],
);

/**
 * Why stock on hand changed. `sale`, `restock` and `written_off` (reserved units refunded without
 * restock) come from orders; the rest are staff's entries.
 */
export const stockAdjustmentReasons = [
  "received",
  "correction",
  "damaged",
  "lost",
  "returned",
  "transfer_out",
  "transfer_in",
  "sale",
  "restock",
  "import",
  "written_off",
] as const;
export type StockAdjustmentReason = (typeof stockAdjustmentReasons)[number];

/**
 * The stock ledger: one row per change of a level's units on hand (who, when, why, before, after).
 * `delta` = `after` - `before`. A transfer writes two rows with the same `transferId`.
 */
export const stockAdjustments = pgTable(
  "stock_adjustments",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id").notNull(),
    locationId: text("location_id").notNull(),
    reason: text("reason", { enum: stockAdjustmentReasons }).notNull(),
    delta: integer("delta").notNull(),
    before: integer("before").notNull(),
    after: integer("after").notNull(),
    note: text("note").notNull().default(""),
    /** Staff user (or null for the system: orders, imports). */
    actorId: text("actor_id"),
    /** Pairs the two rows of a transfer between locations. */
    transferId: text("transfer_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("stock_adjustments_variant_idx").on(t.variantId, t.id),
    index("stock_adjustments_location_idx").on(t.locationId, t.id),
  ],
);
