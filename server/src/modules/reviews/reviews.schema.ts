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
import { type ReviewStatus, reviewStatuses } from "./reviews.statuses.ts";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A shopper's review of a product. `productId` is the catalog's product id. Shoppers see approved
 * reviews only; a new or edited review waits in the moderation queue (`pending`).
 */
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
    /** The author had a paid, not cancelled order with this product when writing (or last editing) it. */
    verifiedPurchase: boolean("verified_purchase").notNull().default(false),
    /** Shoppers who found the review helpful (one vote each, rows in `review_votes`). */
    helpfulCount: integer("helpful_count").notNull().default(0),
    /** The shop's public answer, shown under the review. */
    reply: text("reply"),
    replyAt: tz("reply_at"),
    /** Staff user who wrote the reply. */
    replyBy: text("reply_by"),
    /** Why staff rejected it (internal, never shown to shoppers). */
    moderationNote: text("moderation_note"),
    moderatedAt: tz("moderated_at"),
    /** Staff user who approved or rejected it last. */
    moderatedBy: text("moderated_by"),
    /** Natural key of an imported review (source + hash), so re-imports create no duplicates. */
    importKey: text("import_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("reviews_product_idx").on(t.productId, t.status),
    index("reviews_status_idx").on(t.status, t.id),
    index("reviews_user_idx").on(t.userId),
    uniqueIndex("reviews_import_key_key").on(t.importKey),
    // One review per customer per product (imported reviews have no user: nulls never collide).
    uniqueIndex("reviews_product_user_key").on(t.productId, t.userId),
  ],
);

/** "Helpful" votes: one per signed-in shopper per review. `reviews.helpful_count` counts them. */
export const reviewVotes = pgTable(
  "review_votes",
  {
    reviewId: text("review_id")
      .notNull()
      .references(() => reviews.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.userId] }), index("review_votes_user_idx").on(t.userId)],
);

/**
 * A photo uploaded by a shopper for their review: the re-encoded image (metadata such as GPS
 * stripped) in image storage, content-addressed by `sha256`. `reviewId` is null until a review
 * uses it; unused uploads are removed after a day.
 */
export const reviewPhotos = pgTable(
  "review_photos",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    reviewId: text("review_id").references(() => reviews.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
    sha256: text("sha256").notNull(),
    extension: text("extension").notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("review_photos_review_idx").on(t.reviewId, t.position),
    index("review_photos_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * Review requests sent (or skipped) per order: the row makes the request once per order, whatever
 * the number of sweeps or processes.
 */
export const reviewRequests = pgTable("review_requests", {
  orderId: text("order_id").primaryKey(),
  /** `sent`: the invitation e-mail was queued; `skipped`: nothing left to review (all reviewed). */
  outcome: text("outcome", { enum: ["sent", "skipped"] }).notNull(),
  createdAt: tz("created_at").notNull().defaultNow(),
});

export type { ReviewStatus };

/**
 * The shop's review settings (one row, id `default`): which new or edited reviews skip the
 * moderation queue. Anything not auto-approved waits as `pending`.
 */
export const reviewSettings = pgTable("review_settings", {
  id: text("id").primaryKey(),
  /** Approve at once a review with a rating and no title or text (nothing to moderate). */
  autoApproveWithoutText: boolean("auto_approve_without_text").notNull().default(false),
  /** Approve at once a review by a verified buyer (`verifiedPurchase`). */
  autoApproveVerifiedBuyers: boolean("auto_approve_verified_buyers").notNull().default(false),
  updatedAt: tz("updated_at").notNull().defaultNow(),
});
