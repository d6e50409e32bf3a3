import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Destinations a set of shipping methods serves: countries, optionally narrowed to regions. */
export const shippingZones = pgTable("shipping_zones", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** ISO 3166-1 alpha-2 codes; ["*"] = every country. */
  countries: jsonb("countries").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  /** Region codes inside those countries; empty = all regions. */
  regions: jsonb("regions").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  position: integer("position").notNull().default(0),
  /** Bumped by every staff save (the zone and its methods); the admin API's ETag. */
  version: integer("version").notNull().default(1),
  createdAt: tz("created_at").notNull().defaultNow(),
});

export const shippingMethodTypes = ["flat_rate", "table_rate", "pickup", "carrier"] as const;
export type ShippingMethodType = (typeof shippingMethodTypes)[number];

/** One row of a table rate: destination (null/"*" = any), a threshold, and the price from it on. */
export interface TableRateRow {
  region: string | null;
  postcode: string | null;
  /** Lower bound of the basis, inclusive: minor units (subtotal), grams (weight) or units (quantity). */
  from: number;
  /** Price in minor units. */
  amount: number;
}

/** A way to ship (or collect) an order, priced by its type. */
export const shippingMethods = pgTable(
  "shipping_methods",
  {
    id: text("id").primaryKey(),
    zoneId: text("zone_id")
      .notNull()
      .references(() => shippingZones.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    type: text("type").$type<ShippingMethodType>().notNull(),
    currency: text("currency").notNull(),
    /** Flat rate: price per order, minor units. */
    amount: bigint("amount", { mode: "number" }).notNull().default(0),
    /** Flat rate: added per unit shipped, minor units. */
    amountPerItem: bigint("amount_per_item", { mode: "number" }).notNull().default(0),
    /** Free when the cart subtotal (after discounts) is at least this, minor units; null = never. */
    freeAbove: bigint("free_above", { mode: "number" }),
    /** Table rate: what the thresholds measure. */
    rateBasis: text("rate_basis").$type<"subtotal" | "weight" | "quantity">().notNull().default("subtotal"),
    tableRates: jsonb("table_rates").$type<TableRateRow[]>().notNull().default(sql`'[]'::jsonb`),
    /** Carrier-rate strategy id for live rates (type "carrier"). */
    carrier: text("carrier"),
    /** Pickup: the stock location / store address shown to the shopper. */
    pickupAddress: text("pickup_address"),
    estimatedDays: text("estimated_days"),
    isActive: boolean("is_active").notNull().default(true),
    position: integer("position").notNull().default(0),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("shipping_methods_code_key").on(t.code),
    index("shipping_methods_zone_idx").on(t.zoneId),
  ],
);
