import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A customer's named wishlist. At most one per account is the default (the one "Add to wishlist"
 * fills; created as "My wishlist" on the first add). A list shared by a private link keeps only the
 * SHA-256 of the link's token.
 */
export const wishlists = pgTable(
  "wishlists",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    title: text("title").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    /** SHA-256 (hex) of the share token; null when the list is not shared. The token is never stored. */
    shareTokenHash: text("share_token_hash"),
    /** When the current share link was made (UTC). */
    sharedAt: tz("shared_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("wishlists_user_idx").on(t.userId, t.createdAt),
    uniqueIndex("wishlists_user_default_key").on(t.userId).where(sql`${t.isDefault}`),
    uniqueIndex("wishlists_share_token_key").on(t.shareTokenHash),
  ],
);

/**
 * A wished product (optionally one variant of it) in a list, with the price it had when added
 * (minor units of `currency`). A product (or product + variant) is in a list at most once.
 */
export const wishlistItems = pgTable(
  "wishlist_items",
  {
    id: text("id").primaryKey(),
    wishlistId: text("wishlist_id")
      .notNull()
      .references(() => wishlists.id, { onDelete: "cascade" }),
    /** Owner of the list (denormalised: lists never change hands). */
    userId: text("user_id").notNull(),
    productId: text("product_id").notNull(),
    /** A specific variant (SKU), or null for the product as a whole. */
    variantId: text("variant_id"),
    /** Price when added, minor units of `currency`. */
    priceAmount: bigint("price_amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    addedAt: tz("added_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("wishlist_items_list_product_key").on(
      t.wishlistId,
      t.productId,
      sql`coalesce(${t.variantId}, '')`,
    ),
    index("wishlist_items_watch_idx").on(t.userId, t.productId, sql`coalesce(${t.variantId}, '')`),
  ],
);

/**
 * What the price-drop / back-in-stock sweep last saw of a wished product (or variant) of a customer,
 * whatever the number of lists it is in: so each drop and each restock is notified once per customer.
 * `variantKey` is the variant id, or '' for the product as a whole. Prices in minor units of `currency`.
 */
export const wishlistWatches = pgTable(
  "wishlist_watches",
  {
    userId: text("user_id").notNull(),
    productId: text("product_id").notNull(),
    variantKey: text("variant_key").notNull(),
    currency: text("currency").notNull(),
    /** The price when first wished: a drop is notified only below it. */
    wishedPrice: bigint("wished_price", { mode: "number" }).notNull(),
    /** The price last seen (or notified). */
    lastPrice: bigint("last_price", { mode: "number" }).notNull(),
    /** Whether it could be bought when last seen. */
    inStock: boolean("in_stock").notNull(),
    checkedAt: tz("checked_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId, t.variantKey] })],
);
