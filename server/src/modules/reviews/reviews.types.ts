import { type Static, type TSchema, Type } from "typebox";

/** Length limits of what shoppers and staff write (characters, after trimming). */
export const reviewLimits = {
  titleMax: 120,
  bodyMax: 5000,
  authorNameMax: 60,
  replyMax: 2000,
  noteMax: 500,
  photosMax: 3,
  /** Bytes of one uploaded photo. */
  photoBytesMax: 5 * 1024 * 1024,
} as const;

export const reviewSorts = ["newest", "helpful", "highest", "lowest"] as const;
export type ReviewSort = (typeof reviewSorts)[number];

const DateTime = Type.String({ format: "date-time" });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ReviewPhotoSchema = Type.Object({
  id: Type.String(),
  url: Type.String({ description: "The photo as uploaded (re-encoded, metadata removed)" }),
  thumbnailUrl: Type.String({ description: "A WebP 320 pixels wide (never upscaled)" }),
  width: Nullable(Type.Integer({ description: "Pixels" })),
  height: Nullable(Type.Integer({ description: "Pixels" })),
});

export const ReviewReplySchema = Type.Object(
  { text: Type.String(), createdAt: DateTime },
  { description: "The shop's public answer to the review" },
);

const publicFields = {
  id: Type.String(),
  productId: Type.String(),
  rating: Type.Integer({ minimum: 1, maximum: 5, description: "Stars, 1 to 5" }),
  title: Type.String(),
  body: Type.String(),
  authorName: Type.String(),
  verifiedPurchase: Type.Boolean({ description: "The author bought the product from this shop" }),
  helpfulCount: Type.Integer({ minimum: 0 }),
  photos: Type.Array(ReviewPhotoSchema),
  reply: Nullable(ReviewReplySchema),
  createdAt: DateTime,
  updatedAt: DateTime,
};

/** An approved review as shoppers see it. */
export const ReviewSchema = Type.Object({
  ...publicFields,
  votedHelpful: Type.Boolean({
    description: "The signed-in shopper marked it helpful (false when signed out)",
  }),
});

/** The signed-in shopper's own review of a product, whatever its moderation state. */
export const OwnReviewSchema = Type.Object({
  ...publicFields,
  status: Type.Union([Type.Literal("pending"), Type.Literal("approved"), Type.Literal("rejected")]),
});

export const RatingSummarySchema = Type.Object(
  {
    average: Nullable(Type.Number({ description: "Mean stars, one decimal; null without reviews" })),
    count: Type.Integer({ minimum: 0 }),
    distribution: Type.Array(
      Type.Object({ stars: Type.Integer({ minimum: 1, maximum: 5 }), count: Type.Integer({ minimum: 0 }) }),
      { description: "Approved reviews per star rating, 5 stars first" },
    ),
  },
  { description: "Approved reviews only" },
);

export const ReviewPageSchema = Type.Object({
  items: Type.Array(ReviewSchema),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer(),
  summary: RatingSummarySchema,
});

export const ReviewListQuerySchema = Type.Object(
  {
    sort: Type.Optional(
      Type.Union(
        [Type.Literal("newest"), Type.Literal("helpful"), Type.Literal("highest"), Type.Literal("lowest")],
        {
          default: "newest",
          description: "newest first, most helpful, highest or lowest rating first",
        },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ReviewInputSchema = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5, description: "Stars, 1 to 5" }),
    title: Type.Optional(
      Type.String({
        maxLength: reviewLimits.titleMax,
        description: "Required with a body; leave both title and body out (or empty) for a rating alone",
      }),
    ),
    body: Type.Optional(
      Type.String({
        maxLength: reviewLimits.bodyMax,
        description: "Required with a title; leave both out (or empty) for a rating alone",
      }),
    ),
    authorName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: reviewLimits.authorNameMax,
        description: "Name shown with the review (default: the account's name)",
      }),
    ),
    photoIds: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: reviewLimits.photosMax,
        uniqueItems: true,
        description: "Photos uploaded with POST /api/store/review-photos, in display order",
      }),
    ),
  },
  { additionalProperties: false },
);

export const OwnReviewStateSchema = Type.Object({
  review: Nullable(OwnReviewSchema),
  verifiedPurchase: Type.Boolean({ description: "A review written now would carry the verified badge" }),
  canReview: Type.Boolean({ description: "False when the shop requires a purchase and there is none" }),
});

export const HelpfulSchema = Type.Object({
  helpfulCount: Type.Integer({ minimum: 0 }),
  votedHelpful: Type.Boolean(),
});

/** A review as staff see it in the moderation queue. */
export const AdminReviewSchema = Type.Object({
  ...publicFields,
  productId: Nullable(Type.String()),
  productSku: Type.String(),
  product: Nullable(
    Type.Object(
      {
        name: Type.String(),
        slug: Type.String({ description: "The product page is /products/<slug>" }),
      },
      { description: "The reviewed product in the catalog; null when it is not (or no longer) there" },
    ),
  ),
  userId: Nullable(Type.String()),
  email: Nullable(Type.String()),
  status: Type.Union([Type.Literal("pending"), Type.Literal("approved"), Type.Literal("rejected")]),
  moderationNote: Nullable(Type.String()),
  moderatedAt: Nullable(DateTime),
  moderatedBy: Nullable(
    Type.String({
      description:
        "Staff user who approved or rejected it last; null with `moderatedAt` set when the shop's settings approved it automatically",
    }),
  ),
  imported: Type.Boolean({ description: "Came from a catalog import" }),
});

export const AdminReviewPageSchema = Type.Object({
  items: Type.Array(AdminReviewSchema),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer(),
});

export const AdminReviewQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal("pending"), Type.Literal("approved"), Type.Literal("rejected")], {
        default: "pending",
      }),
    ),
    productId: Type.Optional(Type.String({ maxLength: 64, description: "Reviews of this product only" })),
    product: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "A product id, or part of a SKU (case-insensitive)",
      }),
    ),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: "Stars, 1 to 5" })),
    hasText: Type.Optional(
      Type.Boolean({ description: "true: with a title or text; false: a rating alone" }),
    ),
    hasPhotos: Type.Optional(Type.Boolean({ description: "With (true) or without (false) photos" })),
    verifiedPurchase: Type.Optional(
      Type.Boolean({ description: "By verified buyers (true) or not (false)" }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** The moderation queue's filters (see `AdminReviewQuerySchema`). */
export type AdminReviewQuery = Static<typeof AdminReviewQuerySchema>;

export const ReviewSettingsSchema = Type.Object(
  {
    autoApproveWithoutText: Type.Boolean({
      description: "Approve at once a review that is a rating alone (no title, no text)",
    }),
    autoApproveVerifiedBuyers: Type.Boolean({
      description: "Approve at once a review by a verified buyer of the product",
    }),
    updatedAt: Nullable(DateTime),
  },
  { description: "Which new or edited shopper reviews skip the moderation queue; the rest wait as pending" },
);

export const ReviewSettingsInputSchema = Type.Object(
  {
    autoApproveWithoutText: Type.Boolean(),
    autoApproveVerifiedBuyers: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** The most reviews one bulk moderation takes. */
export const bulkModerationMax = 200;

export const BulkModerationSchema = Type.Object(
  {
    reviewIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: bulkModerationMax,
      description: `1 to ${bulkModerationMax} review ids; repeats count once`,
    }),
    action: Type.Union([Type.Literal("approve"), Type.Literal("reject")]),
    reason: Type.Optional(
      Type.String({
        maxLength: reviewLimits.noteMax,
        description: "Why (internal, never shown to shoppers), kept as each review's moderation note",
      }),
    ),
  },
  { additionalProperties: false },
);

export const BulkModerationResultSchema = Type.Object({
  updated: Type.Integer({ minimum: 0, description: "Reviews approved or rejected" }),
  notFound: Type.Array(Type.String(), { description: "Ids of no review (nothing was done with them)" }),
});

export type ReviewPhotoDto = Static<typeof ReviewPhotoSchema>;
export type ReviewDto = Static<typeof ReviewSchema>;
export type OwnReviewDto = Static<typeof OwnReviewSchema>;
export type RatingSummaryDto = Static<typeof RatingSummarySchema>;
export type ReviewPageDto = Static<typeof ReviewPageSchema>;
export type AdminReviewDto = Static<typeof AdminReviewSchema>;
export type AdminReviewPageDto = Static<typeof AdminReviewPageSchema>;
export type ReviewSettingsDto = Static<typeof ReviewSettingsSchema>;
