import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { PostalAddress } from "../../platform/address.ts";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const cartStatuses = ["active", "completed", "merged", "expired"] as const;
export type CartStatus = (typeof cartStatuses)[number];

/**
 * A shopper's cart, persistent in the database. A guest's cart is found by the SHA-256 of its opaque
 * token (kept in a cookie); a customer's by the account. One active cart per account.
 */
export const carts = pgTable(
  "carts",
  {
    id: text("id").primaryKey(),
    /** SHA-256 (hex) of the cart token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id"),
    status: text("status").$type<CartStatus>().notNull().default("active"),
    currency: text("currency").notNull(),
    email: text("email"),
    shippingAddress: jsonb("shipping_address").$type<PostalAddress>(),
    billingAddress: jsonb("billing_address").$type<PostalAddress>(),
    shippingMethodId: text("shipping_method_id"),
    /** Coupon codes entered, upper case, in the order entered. */
    couponCodes: jsonb("coupon_codes").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** The order this cart became (status completed). */
    orderId: text("order_id"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
    /** After this UTC time an untouched active cart expires (each change moves it). */
    expiresAt: tz("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("carts_token_hash_key").on(t.tokenHash),
    uniqueIndex("carts_user_active_key")
      .on(t.userId)
      .where(sql`${t.status} = 'active' and ${t.userId} is not null`),
    index("carts_expiry_idx").on(t.status, t.expiresAt),
  ],
);

/** A line of a cart: one variant, a quantity, and the unit price it was added at. */
export const cartLineItems = pgTable(
  "cart_line_items",
  {
    id: text("id").primaryKey(),
    cartId: text("cart_id")
      .notNull()
      .references(() => carts.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** Unit price when added or last re-validated, minor units of the cart currency. */
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cart_line_items_cart_variant_key").on(t.cartId, t.variantId)],
);
