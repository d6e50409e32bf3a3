import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { PostalAddress } from "../../platform/address.ts";
import type {
  FulfillmentStatus,
  OrderPaymentStatus,
  OrderStatus,
  ReturnStatus,
  ShipmentStatus,
} from "./orders.statuses.ts";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Human order numbers: sequential, starting at 100001 (a rolled-back order leaves a gap). */
export const orderNumberSequence = pgSequence("order_number_seq", { startWith: 100001, increment: 1 });

/** The chosen shipping method as the order keeps it. */
export interface OrderShippingMethod {
  id: string;
  code: string;
  name: string;
  /** flat_rate, table_rate, free, pickup or carrier (the shipping module's method types). */
  type: string;
  /** Where the shopper collects a pickup order (the method's address when the order was placed). */
  pickupAddress?: string | null;
}

/** A promotion as applied to the order (a snapshot). */
export interface AppliedPromotionSnapshot {
  id: string;
  name: string;
  code: string | null;
  type: string;
  amount: number;
  freeShipping: boolean;
}

/**
 * An order: an immutable snapshot of what was bought at which price, with its status, payment status
 * and fulfilment status alongside. Amounts are minor units of `currency`.
 */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    status: text("status").$type<OrderStatus>().notNull(),
    paymentStatus: text("payment_status").$type<OrderPaymentStatus>().notNull(),
    fulfillmentStatus: text("fulfillment_status").$type<FulfillmentStatus>().notNull(),
    currency: text("currency").notNull(),
    email: text("email").notNull(),
    userId: text("user_id"),
    cartId: text("cart_id"),
    shippingAddress: jsonb("shipping_address").$type<PostalAddress>(),
    billingAddress: jsonb("billing_address").$type<PostalAddress>(),
    shippingMethod: jsonb("shipping_method").$type<OrderShippingMethod>(),
    pricesIncludeTax: boolean("prices_include_tax").notNull(),
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    discountTotal: bigint("discount_total", { mode: "number" }).notNull(),
    shippingTotal: bigint("shipping_total", { mode: "number" }).notNull(),
    shippingDiscount: bigint("shipping_discount", { mode: "number" }).notNull(),
    shippingTax: bigint("shipping_tax", { mode: "number" }).notNull(),
    taxTotal: bigint("tax_total", { mode: "number" }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    /** Captured minus refunded, minor units. */
    paidTotal: bigint("paid_total", { mode: "number" }).notNull().default(0),
    refundedTotal: bigint("refunded_total", { mode: "number" }).notNull().default(0),
    couponCodes: jsonb("coupon_codes").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    promotions: jsonb("promotions").$type<AppliedPromotionSnapshot[]>().notNull().default(sql`'[]'::jsonb`),
    /** Client IP when placed (fraud checks); erased with the customer's personal data. */
    ipAddress: text("ip_address"),
    /** Why the order is held for review (fraud rules), or null. */
    holdReason: text("hold_reason"),
    /** Unpaid orders release their stock after this UTC time (see the expiry job). */
    reservationExpiresAt: tz("reservation_expires_at"),
    placedAt: tz("placed_at").notNull().defaultNow(),
    cancelledAt: tz("cancelled_at"),
    /** Staff labels, lower case, e.g. ["vip", "gift"]; the staff list filters by them. */
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Bumped by every staff edit of the order (tags, lines); the admin API's ETag. */
    version: integer("version").notNull().default(1),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_number_key").on(t.number),
    index("orders_tags_idx").using("gin", sql`${t.tags} jsonb_path_ops`),
    index("orders_user_idx").on(t.userId, t.placedAt),
    index("orders_email_idx").on(t.email, t.placedAt),
    index("orders_ip_idx").on(t.ipAddress, t.placedAt),
    index("orders_status_idx").on(t.status, t.reservationExpiresAt),
  ],
);

/** A line of an order: a snapshot of the variant, its price, discount and tax. Minor units. */
export const orderLineItems = pgTable(
  "order_line_items",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    productName: text("product_name").notNull(),
    variantTitle: text("variant_title").notNull(),
    /** Option name -> value, e.g. { Size: "M", Color: "Blue" }. */
    options: jsonb("options").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    productSlug: text("product_slug").notNull(),
    imageId: text("image_id"),
    quantity: integer("quantity").notNull(),
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    discount: bigint("discount", { mode: "number" }).notNull(),
    tax: bigint("tax", { mode: "number" }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    taxes: jsonb("taxes")
      .$type<{ rateId: string; name: string; rateBasisPoints: number; amount: number }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    discounts: jsonb("discounts")
      .$type<{ promotionId: string; amount: number }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    taxClass: text("tax_class").notNull(),
    weightGrams: integer("weight_grams"),
    requiresShipping: boolean("requires_shipping").notNull(),
    isDigital: boolean("is_digital").notNull(),
    fulfilledQuantity: integer("fulfilled_quantity").notNull().default(0),
    returnedQuantity: integer("returned_quantity").notNull().default(0),
    /**
     * Units refunded line by line (per-item refunds and received returns), whether or not they came
     * back; never above `quantity`, so no unit is refunded twice.
     */
    refundedQuantity: integer("refunded_quantity").notNull().default(0),
    /** Units refunded before they shipped (part of `refundedQuantity`): they never ship. */
    cancelledQuantity: integer("cancelled_quantity").notNull().default(0),
    /** The marketplace vendor who sells this line (a snapshot of the product's vendor), or null for the shop. */
    vendorId: text("vendor_id"),
    /**
     * The platform's commission on this line, minor units of the order currency: the rule in force when
     * the order was placed (`commissionRule`) applied to the line's net amount (subtotal less discount,
     * before tax). 0 for the shop's own lines.
     */
    commissionAmount: bigint("commission_amount", { mode: "number" }).notNull().default(0),
    /** The commission rule applied, as it was then (null for the shop's own lines). */
    commissionRule: jsonb("commission_rule").$type<CommissionRuleSnapshot>(),
  },
  (t) => [
    index("order_line_items_order_idx").on(t.orderId),
    index("order_line_items_product_idx").on(t.productId),
  ],
);

/** The order's timeline: every change, who made it, and when (UTC). */
export const orderEvents = pgTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    message: text("message").notNull(),
    /** "system", "customer", "guest", "provider:stripe", "staff:usr_..." */
    actor: text("actor").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [index("order_events_order_idx").on(t.orderId, t.createdAt)],
);

/** A staff note on an order (internal, never shown to the shopper). */
export const orderNotes = pgTable(
  "order_notes",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** The staff member who wrote it. */
    authorId: text("author_id"),
    body: text("body").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [index("order_notes_order_idx").on(t.orderId, t.createdAt)],
);

/**
 * Idempotency keys of order placement: the same key (per cart) returns the same order; a key reused
 * with a different request is refused. Rows are written in the order's own transaction.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the request that first used the key. */
    requestHash: text("request_hash").notNull(),
    orderId: text("order_id").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** A commission rule as an order line keeps it (see the vendors module's commission rules). */
export interface CommissionRuleSnapshot {
  ruleId: string;
  /** What the rule was set for: the platform default, a vendor, a category, or a vendor in a category. */
  scope: "default" | "vendor" | "category" | "vendor_category";
  /** Percentage of the net line amount in basis points (1000 = 10 %). */
  rateBasisPoints: number;
  /** Fixed fee per unit, minor units of the order currency. */
  fixedPerUnit: number;
}

/**
 * A vendor order (sub-order): one per vendor of a marketplace order, holding that vendor's lines. The
 * shopper sees one order; each vendor sees and ships only its vendor order. Amounts are minor units of
 * `currency`, fixed when the order is placed: the lines' figures, the vendor's share of the order's
 * shipping (allocated by the shipped lines' subtotals, largest remainder), the platform's commission
 * and what the vendor is owed for it (`payableTotal` = total - commissionTotal).
 */
export const vendorOrders = pgTable(
  "vendor_orders",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    vendorId: text("vendor_id").notNull(),
    /** The vendor's public name when the order was placed (what the shopper saw). */
    vendorName: text("vendor_name").notNull(),
    /** "<order number>-<n>", n counting the order's vendors from 1. */
    number: text("number").notNull(),
    /** `unfulfilled`, `partially_fulfilled`, `fulfilled`, `partially_delivered`, `delivered`, `not_required`, or `cancelled` (every unit cancelled). */
    fulfillmentStatus: text("fulfillment_status").notNull(),
    currency: text("currency").notNull(),
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    discountTotal: bigint("discount_total", { mode: "number" }).notNull(),
    taxTotal: bigint("tax_total", { mode: "number" }).notNull(),
    /** The vendor's share of the order's shipping charge, after shipping discounts, with its tax. */
    shippingTotal: bigint("shipping_total", { mode: "number" }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    commissionTotal: bigint("commission_total", { mode: "number" }).notNull(),
    payableTotal: bigint("payable_total", { mode: "number" }).notNull(),
    placedAt: tz("placed_at").notNull(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("vendor_orders_order_vendor_key").on(t.orderId, t.vendorId),
    index("vendor_orders_vendor_idx").on(t.vendorId, t.placedAt),
    index("vendor_orders_vendor_status_idx").on(t.vendorId, t.fulfillmentStatus, t.placedAt),
  ],
);

/** A parcel sent for an order (a fulfilment), possibly holding only some of its lines (partial). */
export const fulfillments = pgTable(
  "fulfillments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status").$type<ShipmentStatus>().notNull(),
    carrier: text("carrier").notNull(),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    /** Line id -> units in this parcel. */
    lines: jsonb("lines").$type<{ lineId: string; quantity: number }[]>().notNull(),
    /** The vendor who sent it (its lines are all that vendor's), or null for the shop's own parcels. */
    vendorId: text("vendor_id"),
    shippedAt: tz("shipped_at"),
    deliveredAt: tz("delivered_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("fulfillments_order_idx").on(t.orderId),
    index("fulfillments_tracking_idx").on(t.carrier, t.trackingNumber),
  ],
);

/** A return (RMA): units of an order's lines the customer sends back, and what the shop does with them. */
export const returns = pgTable(
  "returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** RMA number shown to the customer, e.g. "100042-R1". */
    number: text("number").notNull(),
    status: text("status").$type<ReturnStatus>().notNull(),
    /** Line id -> units returned and why. */
    lines: jsonb("lines").$type<{ lineId: string; quantity: number; reason: string }[]>().notNull(),
    customerNote: text("customer_note").notNull().default(""),
    staffNote: text("staff_note").notNull().default(""),
    /** Whether received units went back on the shelf. */
    restocked: boolean("restocked"),
    /** Refunded for this return, minor units of the order currency. */
    refundAmount: bigint("refund_amount", { mode: "number" }),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("returns_order_idx").on(t.orderId),
    uniqueIndex("returns_number_key").on(t.number),
    index("returns_status_idx").on(t.status),
  ],
);

export type { FulfillmentStatus, OrderPaymentStatus, OrderStatus, ReturnStatus, ShipmentStatus };

/**
 * An account's order figures per currency, for the staff customer list's filters and columns: orders
 * placed signed in that were paid and not cancelled or wholly refunded (orders.purchases.ts's
 * `boughtStatuses`), their totals summed (minor units of `currency`) and when the last was placed (UTC).
 * Kept by the `orders_note_customer_stats` trigger (migration 0026) on every order insert, delete and
 * change of status, total, currency, account or placing time, so imports and every code path agree.
 */
export const customerOrderStats = pgTable(
  "customer_order_stats",
  {
    userId: text("user_id").notNull(),
    currency: text("currency").notNull(),
    ordersCount: integer("orders_count").notNull(),
    totalSpent: bigint("total_spent", { mode: "number" }).notNull(),
    lastOrderAt: timestamp("last_order_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.currency] }),
    index("customer_order_stats_last_order_idx").on(t.lastOrderAt),
  ],
);
