import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { AppError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import type { AuthContext } from "../customers/index.ts";
import { accountGuard, accountSummaries } from "../customers/index.ts";
import {
  addReviewPhoto,
  deleteOwnReview,
  getOwnReview,
  getReviewForStaff,
  getReviewSettings,
  listProductReviews,
  listReviewsForModeration,
  moderateReview,
  moderateReviews,
  ratingMoved,
  replyToReview,
  type StatusChange,
  saveOwnReview,
  setHelpfulVote,
  updateReviewSettings,
} from "./reviews.service.ts";
import type { ReviewStatus } from "./reviews.statuses.ts";
import {
  type AdminReviewDto,
  AdminReviewPageSchema,
  AdminReviewQuerySchema,
  AdminReviewSchema,
  BulkModerationResultSchema,
  BulkModerationSchema,
  bulkModerationMax,
  HelpfulSchema,
  OwnReviewSchema,
  OwnReviewStateSchema,
  ReviewInputSchema,
  ReviewListQuerySchema,
  ReviewPageSchema,
  ReviewPhotoSchema,
  ReviewSettingsInputSchema,
  ReviewSettingsSchema,
  reviewLimits,
} from "./reviews.types.ts";

const tags = ["store", "reviews"];
const ProductParams = Type.Object({ productId: Type.String({ maxLength: 64 }) });
const ReviewParams = Type.Object({ reviewId: Type.String({ maxLength: 64 }) });
const photoTypes = ["image/jpeg", "image/png", "image/webp"];

const productNotFound = () => new NotFoundError("PRODUCT_NOT_FOUND", "No such product");

/**
 * What the review routes need from the modules above reviews, given by the app: reviews sit below the
 * catalog (product pages and the search index show their ratings), so they cannot import the catalog
 * or orders themselves.
 */
export interface ReviewPorts {
  /** Whether a product with this id exists (any status). */
  productExists(productId: string): Promise<boolean>;
  /** An active product's id and SKU (reviews are written for products on sale), or null. */
  activeProduct(productId: string): Promise<{ id: string; sku: string } | null>;
  /** Whether the customer has a paid order of the product (the verified-purchase badge). */
  hasPurchased(userId: string, productId: string): Promise<boolean>;
  /** The name and slug (page /products/<slug>) of the products of these ids that exist (any status). */
  productLabels(productIds: string[]): Promise<Map<string, { name: string; slug: string }>>;
  /**
   * The approved reviews of these products changed (so did their ratings): cached catalog answers and
   * the search index, which show ratings, must follow.
   */
  ratingsChanged(productIds: string[]): Promise<void>;
}

/**
 * After reviews were written, edited, deleted, approved (by staff or automatically) or rejected: the
 * catalog hears of the products whose rating moved (`ratingMoved`), in one call, after the commit.
 */
async function ratingsFollow(ports: ReviewPorts, changes: readonly StatusChange[]): Promise<void> {
  const productIds = ratingMoved(changes);
  if (productIds.length) await ports.ratingsChanged(productIds);
}

/** Reviews with their product's name and slug from the catalog (one lookup for the lot). */
async function withProducts(ports: ReviewPorts, items: AdminReviewDto[]): Promise<AdminReviewDto[]> {
  const ids = [...new Set(items.flatMap((r) => (r.productId ? [r.productId] : [])))];
  const labels = ids.length ? await ports.productLabels(ids) : new Map<string, never>();
  return items.map((r) => ({ ...r, product: (r.productId && labels.get(r.productId)) || null }));
}

/** The active product a review is about. @throws NotFoundError 404 PRODUCT_NOT_FOUND. */
async function productOf(ports: ReviewPorts, productId: string): Promise<{ id: string; sku: string }> {
  const product = await ports.activeProduct(productId);
  if (!product) throw productNotFound();
  return product;
}

/** The signed-in shopper of a request, when there is one (reading needs no sign-in). */
async function viewerOf(ctx: AuthContext, request: FastifyRequest): Promise<string | null> {
  if (!(request.headers.cookie ?? "").includes("session_token")) return null;
  const session = await ctx.auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  return session?.user.id ?? null;
}

/**
 * Product reviews under /api/store.
 * Public: `GET /products/:productId/reviews` (approved reviews, sorted and paged, with the rating
 * summary). Signed-in customers (401 UNAUTHENTICATED otherwise; writes from the shop's own pages
 * only, 403 CSRF_ORIGIN_MISMATCH): their own review of a product (one per product: writing again
 * replaces it, and it waits for moderation again), photo uploads, and "helpful" votes.
 */
export function storeReviewRoutes(ctx: AuthContext, ports: ReviewPorts): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/products/:productId/reviews",
      {
        schema: {
          summary: "A product's reviews",
          description: [
            "Approved reviews only, `limit` (1-50, default 10) per page, sorted `newest` (default), `helpful`",
            "(most helpful votes first), `highest` or `lowest` rating; ties newest first. Pass `nextCursor` back as",
            "`cursor` with the same sort (400 naming `cursor` otherwise). `summary` is the product's rating from",
            "its approved reviews: count, average stars (one decimal) and count per star. `votedHelpful` tells",
            "whether the signed-in shopper marked a review helpful. 404 PRODUCT_NOT_FOUND for an unknown product.",
          ].join(" "),
          tags,
          params: ProductParams,
          querystring: ReviewListQuerySchema,
          response: { 200: ReviewPageSchema, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { productId } = request.params;
        const [exists, viewerId] = await Promise.all([
          ports.productExists(productId),
          viewerOf(ctx, request),
        ]);
        if (!exists) throw productNotFound();
        reply.header("cache-control", viewerId ? "private, no-store" : "public, max-age=30");
        return listProductReviews(ctx.db, productId, { ...request.query, viewerId });
      },
    );

    const own: FastifyPluginAsyncTypebox = async (own) => {
      own.addHook("onRequest", accountGuard(ctx.auth));
      const errors = {
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        404: ProblemSchema,
        409: ProblemSchema,
      };

      own.get(
        "/products/:productId/reviews/mine",
        {
          schema: {
            summary: "My review of a product",
            description:
              "The signed-in customer's review of the product in any moderation state (`review` null when none), whether a review written now would carry the verified-purchase badge (a paid, not cancelled order of theirs holds the product) and whether they may write one (false only when the shop requires a purchase).",
            tags,
            params: ProductParams,
            response: { 200: OwnReviewStateSchema, ...errors },
          },
        },
        async (request, reply) => {
          reply.header("cache-control", "no-store");
          const userId = request.accountId!;
          const { productId } = request.params;
          const [review, verifiedPurchase] = await Promise.all([
            getOwnReview(ctx.db, userId, productId),
            ports.hasPurchased(userId, productId),
          ]);
          return {
            review,
            verifiedPurchase,
            canReview: verifiedPurchase || !ctx.config.reviews.requirePurchase,
          };
        },
      );

      own.put(
        "/products/:productId/reviews/mine",
        {
          config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
          schema: {
            summary: "Write or replace my review of a product",
            description: [
              `One review per customer per product: 201 when created, 200 when it replaced the earlier one. Rating 1-5`,
              `stars, title 1-${reviewLimits.titleMax} and body 1-${reviewLimits.bodyMax} characters (trimmed; both left out`,
              `or empty for a rating alone), optional display name (default: the account's name) and up to`,
              `${reviewLimits.photosMax} photos uploaded first with POST /api/store/review-photos. The review is`,
              "`pending` until staff approve it (again, after an edit), unless the shop's review settings approve it",
              "at once (a rating alone, or a verified buyer's review): then it is `approved` in the answer.",
              "It carries the verified-purchase badge when the customer bought the product. 400 naming the field;",
              "403 REVIEW_PURCHASE_REQUIRED when the shop requires a purchase (REVIEWS_REQUIRE_PURCHASE) and there",
              "is none; 404 PRODUCT_NOT_FOUND for an unknown or inactive product.",
            ].join(" "),
            tags,
            params: ProductParams,
            body: ReviewInputSchema,
            response: { 200: OwnReviewSchema, 201: OwnReviewSchema, ...errors },
          },
        },
        async (request, reply) => {
          const userId = request.accountId!;
          const product = await productOf(ports, request.params.productId);
          const verifiedPurchase = await ports.hasPurchased(userId, product.id);
          if (!verifiedPurchase && ctx.config.reviews.requirePurchase) {
            throw new AppError(
              403,
              "REVIEW_PURCHASE_REQUIRED",
              "Only customers who bought this product can review it.",
            );
          }
          const authorName =
            request.body.authorName ?? (await accountSummaries(ctx.db, [userId])).get(userId)?.name ?? "";
          const { review, created, previousStatus } = await saveOwnReview(ctx.db, {
            ...request.body,
            title: request.body.title ?? "",
            body: request.body.body ?? "",
            authorName: authorName.trim() || "Customer",
            productId: product.id,
            productSku: product.sku,
            userId,
            verifiedPurchase,
          });
          // An approved review that goes back to moderation leaves the product's rating; one approved
          // at once by the shop's settings enters it (or moves it, when it was approved before).
          await ratingsFollow(ports, [
            { productId: product.id, from: previousStatus, to: review.status, rewritten: true },
          ]);
          return reply
            .status(created ? 201 : 200)
            .header("cache-control", "no-store")
            .send(review);
        },
      );

      own.delete(
        "/products/:productId/reviews/mine",
        {
          schema: {
            summary: "Delete my review of a product",
            description: "With its photos and votes. 404 REVIEW_NOT_FOUND when there is none.",
            tags,
            params: ProductParams,
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          const { productId } = request.params;
          const deleted = await deleteOwnReview(ctx.db, request.accountId!, productId);
          if (!deleted) throw new NotFoundError("REVIEW_NOT_FOUND", "You have not reviewed this product");
          await ratingsFollow(ports, [{ productId, from: deleted, to: null }]);
          return reply.status(204).send(null);
        },
      );

      for (const method of ["put", "delete"] as const) {
        own[method](
          "/reviews/:reviewId/helpful",
          {
            config: { rateLimit: { max: 120, timeWindow: "1 minute" } },
            schema: {
              summary: method === "put" ? "Mark a review helpful" : "Take back my helpful vote",
              description:
                "One vote per shopper per review; repeating is harmless. Answers the review's helpful count and the shopper's vote. 404 REVIEW_NOT_FOUND for a review that is not approved; 403 REVIEW_OWN for one's own review.",
              tags,
              params: ReviewParams,
              response: { 200: HelpfulSchema, ...errors },
            },
          },
          async (request, reply) => {
            reply.header("cache-control", "no-store");
            return setHelpfulVote(ctx.db, request.params.reviewId, request.accountId!, method === "put");
          },
        );
      }

      await own.register(async (upload) => {
        // Photos come as the raw image bytes; nothing else is parsed here (415 for other types).
        upload.removeAllContentTypeParsers();
        upload.addContentTypeParser(
          photoTypes,
          { parseAs: "buffer", bodyLimit: reviewLimits.photoBytesMax },
          (_request, body, done) => done(null, body),
        );
        upload.post(
          "/review-photos",
          {
            config: { rateLimit: { max: 30, timeWindow: "1 minute" } },
            schema: {
              summary: "Upload a review photo",
              description:
                "The body is the image itself, `Content-Type` image/jpeg, image/png or image/webp, at most 5 MB (413 beyond, 415 for another type). The photo is re-encoded without its metadata (camera, GPS position), turned upright and made at most 2000 pixels on its longest side. 201 with its id: pass it in `photoIds` of your review. Photos no review uses are deleted after a day. 400 naming `photo` when it is not such an image.",
              tags,
              consumes: photoTypes,
              body: Type.Unsafe<Buffer>({ type: "string", format: "binary", description: "The image file" }),
              response: { 201: ReviewPhotoSchema, ...errors, 413: ProblemSchema, 415: ProblemSchema },
            },
            // The body is raw bytes (a Buffer): its schema documents it; the image checks are the service's.
            validatorCompiler: () => () => true,
          },
          async (request, reply) => {
            if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
              throw new ValidationError([
                { field: "photo", message: "send the image file as the request body" },
              ]);
            }
            const photo = await addReviewPhoto(ctx.db, ctx.images, request.accountId!, request.body);
            return reply.status(201).header("cache-control", "no-store").send(photo);
          },
        );
      });
    };
    await app.register(own);
  };
}

/**
 * The audit entry of a staff approval or rejection (`review.approve` / `review.reject`), single or
 * bulk: the review, its product, the status it had and the note.
 */
function moderationAudit(
  review: { id: string; productId: string | null; from: ReviewStatus | null; to: ReviewStatus | null },
  note: string | null,
  bulk = false,
) {
  return {
    action: review.to === "approved" ? "review.approve" : "review.reject",
    targetType: "review",
    targetId: review.id,
    metadata: {
      productId: review.productId,
      from: review.from,
      ...(note ? { note } : {}),
      ...(bulk ? { bulk: true } : {}),
    },
  };
}

/**
 * Review moderation for staff under /api/admin, all with the `reviews:moderate` permission: the
 * queue by status and filters, approving, rejecting (one or in bulk), the shop's public reply and the
 * auto-approve settings. Every change is audited.
 */
export function adminReviewRoutes(ctx: AuthContext, ports: ReviewPorts): FastifyPluginAsyncTypebox {
  return async (app) => {
    const adminTags = ["admin", "reviews"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const permission = "reviews:moderate" as const;

    app.get(
      "/reviews",
      {
        config: { permission },
        schema: {
          summary: "Reviews to moderate",
          description: [
            "Reviews in one `status` (default `pending`), narrowed by `product` (a product id or part of a SKU),",
            "`productId`, `rating` (stars), `hasText` (false: a rating alone), `hasPhotos` and `verifiedPurchase`;",
            "`limit` (1-100, default 20) per page: pending ones oldest first, approved and rejected ones newest first.",
            "`cursor` is the previous page's `nextCursor` (400 naming `cursor` otherwise); `total` counts every match.",
            "Includes the product's name and slug, the author's account and e-mail, the shop's reply and the last",
            "moderation (`moderatedBy` null with `moderatedAt` set: approved automatically).",
          ].join(" "),
          tags: adminTags,
          querystring: AdminReviewQuerySchema,
          response: { 200: AdminReviewPageSchema, ...errors },
        },
      },
      async (request) => {
        const page = await listReviewsForModeration(ctx.db, request.query);
        return { ...page, items: await withProducts(ports, page.items) };
      },
    );

    // The static paths before `/reviews/:reviewId` (the router prefers them anyway).
    app.get(
      "/reviews/settings",
      {
        config: { permission },
        schema: {
          summary: "Review auto-approve settings",
          description:
            "Which new or edited shopper reviews skip the moderation queue: a rating alone (`autoApproveWithoutText`), a verified buyer's review (`autoApproveVerifiedBuyers`). Both false until saved (`updatedAt` null).",
          tags: adminTags,
          response: { 200: ReviewSettingsSchema, ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return getReviewSettings(ctx.db);
      },
    );

    app.put(
      "/reviews/settings",
      {
        config: { permission },
        schema: {
          summary: "Change the review auto-approve settings",
          description:
            "Both flags, booleans (400 naming the field otherwise). They apply to reviews written or edited from now on; reviews waiting in the queue stay there. Audited with the values before and after.",
          tags: adminTags,
          body: ReviewSettingsInputSchema,
          response: { 200: ReviewSettingsSchema, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { before, after } = await updateReviewSettings(tx, request.body);
          await recordStaffAction(tx, request, {
            action: "review.settings.update",
            targetType: "review_settings",
            targetId: "default",
            metadata: { changes: changedFields(before, after) },
          });
          return after;
        }),
    );

    app.post(
      "/reviews/bulk",
      {
        config: { permission },
        schema: {
          summary: "Approve or reject many reviews",
          description: [
            `\`action\` \`approve\` or \`reject\` for 1-${bulkModerationMax} \`reviewIds\` (repeats count once), with an optional`,
            `internal \`reason\` (at most ${reviewLimits.noteMax} characters) kept as each review's note. All in one`,
            "transaction, each review audited like the single actions. Answers how many were `updated` and the ids",
            "of no review (`notFound`, left alone). 400 naming the field for a bad body.",
          ].join(" "),
          tags: adminTags,
          body: BulkModerationSchema,
          response: { 200: BulkModerationResultSchema, ...errors },
        },
      },
      async (request) => {
        const { reviewIds, action, reason } = request.body;
        const status = action === "approve" ? "approved" : "rejected";
        const note = reason?.trim() || null;
        const { changed, notFound } = await ctx.db.transaction(async (tx) => {
          const result = await moderateReviews(
            tx,
            reviewIds,
            { status, note, staffId: request.staff!.userId },
            "reason",
          );
          for (const review of result.changed) {
            await recordStaffAction(tx, request, moderationAudit(review, note, true));
          }
          return result;
        });
        await ratingsFollow(ports, changed);
        return { updated: changed.length, notFound };
      },
    );

    app.get(
      "/reviews/:reviewId",
      {
        config: { permission },
        schema: {
          summary: "A review",
          tags: adminTags,
          params: ReviewParams,
          response: { 200: AdminReviewSchema, ...errors },
        },
      },
      async (request) => {
        const [review] = await withProducts(ports, [
          await getReviewForStaff(ctx.db, request.params.reviewId),
        ]);
        return review!;
      },
    );

    const moderate =
      (status: "approved" | "rejected") =>
      async (
        request: FastifyRequest<{ Params: { reviewId: string }; Body: { note?: string } | undefined }>,
      ) => {
        const { reviewId } = request.params;
        const note = request.body?.note ?? null;
        const { review, previousStatus } = await ctx.db.transaction(async (tx) => {
          const result = await moderateReview(tx, reviewId, { status, note, staffId: request.staff!.userId });
          await recordStaffAction(
            tx,
            request,
            moderationAudit(
              { id: reviewId, productId: result.review.productId, from: result.previousStatus, to: status },
              note,
            ),
          );
          return result;
        });
        await ratingsFollow(ports, [{ productId: review.productId, from: previousStatus, to: status }]);
        return (await withProducts(ports, [review]))[0]!;
      };

    app.post(
      "/reviews/:reviewId/approve",
      {
        config: { permission },
        schema: {
          summary: "Approve a review",
          description:
            "Shoppers see it from now on and it counts in the product's rating. Works on a rejected review too.",
          tags: adminTags,
          params: ReviewParams,
          response: { 200: AdminReviewSchema, ...errors },
        },
      },
      moderate("approved"),
    );

    app.post(
      "/reviews/:reviewId/reject",
      {
        config: { permission },
        schema: {
          summary: "Reject a review",
          description: `Hidden from shoppers and left out of the rating. \`note\` (internal, at most ${reviewLimits.noteMax} characters) says why.`,
          tags: adminTags,
          params: ReviewParams,
          body: Type.Object(
            { note: Type.Optional(Type.String({ maxLength: reviewLimits.noteMax })) },
            { additionalProperties: false },
          ),
          response: { 200: AdminReviewSchema, ...errors },
        },
      },
      moderate("rejected"),
    );

    app.put(
      "/reviews/:reviewId/reply",
      {
        config: { permission },
        schema: {
          summary: "Reply to a review as the shop",
          description: `Shown under the review with its time (now). Replaces an earlier reply. \`text\` 1-${reviewLimits.replyMax} characters (trimmed).`,
          tags: adminTags,
          params: ReviewParams,
          body: Type.Object(
            { text: Type.String({ minLength: 1, maxLength: reviewLimits.replyMax }) },
            { additionalProperties: false },
          ),
          response: { 200: AdminReviewSchema, ...errors },
        },
      },
      async (request) => {
        const review = await ctx.db.transaction(async (tx) => {
          const replied = await replyToReview(tx, request.params.reviewId, {
            text: request.body.text,
            staffId: request.staff!.userId,
          });
          await recordStaffAction(tx, request, {
            action: "review.reply",
            targetType: "review",
            targetId: replied.id,
            metadata: { productId: replied.productId },
          });
          return replied;
        });
        return (await withProducts(ports, [review]))[0]!;
      },
    );

    app.delete(
      "/reviews/:reviewId/reply",
      {
        config: { permission },
        schema: {
          summary: "Remove the shop's reply to a review",
          tags: adminTags,
          params: ReviewParams,
          response: { 200: AdminReviewSchema, ...errors },
        },
      },
      async (request) => {
        const review = await ctx.db.transaction(async (tx) => {
          const replied = await replyToReview(tx, request.params.reviewId, {
            text: null,
            staffId: request.staff!.userId,
          });
          await recordStaffAction(tx, request, {
            action: "review.reply_remove",
            targetType: "review",
            targetId: replied.id,
            metadata: { productId: replied.productId },
          });
          return replied;
        });
        return (await withProducts(ports, [review]))[0]!;
      },
    );
  };
}
