import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const reviewStatuses = ["pending", "approved", "rejected"] as const;

/** A shopper's review of a product. `productId` is the catalog's product id. */
export const reviews = pgTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    /** Null while the reviewed product is not in the catalog (an imported review keeps `productSku`). */
    productId: text("product_id"),
    productSku: text("product_sku").notNull(),
    /** The reviewer's account, when written signed in (imported reviews have none). */
    userId: text("user_id"),
    /** 1..5 stars. */
    rating: integer("rating").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    authorName: text("author_name").notNull(),
    email: text("email"),
    status: text("status", { enum: reviewStatuses }).notNull().default("pending"),
    /** Natural key of an imported review (source + hash), so re-imports create no duplicates. */
    importKey: text("import_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("reviews_product_idx").on(t.productId, t.status),
    uniqueIndex("reviews_import_key_key").on(t.importKey),
  ],
);
