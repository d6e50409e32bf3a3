import { and, asc, desc, eq, inArray, isNull, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import sharp from "sharp";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { AppError, type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { type ImageService, originalUrl, sizeUrl } from "../../platform/images.ts";
import { escapeLike } from "../../platform/keyset.ts";
import {
  type ReviewStatus,
  reviewPhotos,
  reviewRequests,
  reviewSettings,
  reviews,
  reviewVotes,
} from "./reviews.schema.ts";
import {
  type AdminReviewDto,
  type AdminReviewPageDto,
  type AdminReviewQuery,
  type OwnReviewDto,
  type RatingSummaryDto,
  type ReviewDto,
  type ReviewPageDto,
  type ReviewPhotoDto,
  type ReviewSettingsDto,
  type ReviewSort,
  reviewLimits,
  reviewSorts,
} from "./reviews.types.ts";

type ReviewRow = typeof reviews.$inferSelect;
type PhotoRow = typeof reviewPhotos.$inferSelect;

/** A review to store. `rating` is 1..5 stars; `importKey` makes imports idempotent. */
export interface ReviewInput {
  /** Null when the product is not (yet) in the catalog; a later import run attaches it. */
  productId: string | null;
  productSku: string;
  /** The reviewer's account, when signed in. */
  userId?: string | null;
  rating: number;
  title: string;
  body: string;
  authorName: string;
  email?: string | null;
  status?: "pending" | "approved" | "rejected";
  importKey?: string;
}

const notFound = () => new NotFoundError("REVIEW_NOT_FOUND", "No such review");
const cursorError = () =>
  new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
const reviewIdPattern = /^rev_[0-9A-Z]{26}$/;

function isRating(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 5;
}

/**
 * Stores reviews (imports). A review whose `importKey` is already stored is not duplicated; it only
 * gets its product attached if it had none. Returns how many were created.
 * @throws ValidationError when a rating is outside 1..5.
 */
export async function addReviews(db: Db, inputs: ReviewInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  for (const r of inputs) {
    if (!isRating(r.rating)) {
      throw new ValidationError([{ field: "rating", message: "must be a whole number from 1 to 5" }]);
    }
  }
  const created = await db
    .insert(reviews)
    .values(
      inputs.map((r) => ({
        id: newId("rev"),
        productId: r.productId,
        productSku: r.productSku,
        userId: r.userId ?? null,
        rating: r.rating,
        title: r.title,
        body: r.body,
        authorName: r.authorName,
        email: r.email ?? null,
        status: r.status ?? "pending",
        importKey: r.importKey ?? null,
      })),
    )
    .onConflictDoUpdate({
      target: reviews.importKey,
      set: { productId: sql`coalesce(${reviews.productId}, excluded.product_id)` },
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return created.filter((r) => r.inserted).length;
}

/** Average rating (1..5, one decimal) and count of approved reviews per product, in one query. */
export async function getRatingSummaries(
  db: Db,
  productIds: string[],
): Promise<Map<string, { average: number; count: number }>> {
  const result = new Map<string, { average: number; count: number }>();
  if (productIds.length === 0) return result;
  const rows = await db
    .select({
      productId: reviews.productId,
      average: sql<number>`round(avg(${reviews.rating}), 1)::float8`,
      count: sql<number>`count(*)::int`,
    })
    .from(reviews)
    .where(and(anyText(reviews.productId, productIds), eq(reviews.status, "approved")))
    .groupBy(reviews.productId);
  for (const row of rows)
    if (row.productId) result.set(row.productId, { average: Number(row.average), count: Number(row.count) });
  return result;
}

/**
 * The rating of one product from its approved reviews: count, average stars (one decimal, rounded
 * half up; null without reviews) and the count per star, 5 stars first. One query.
 */
export async function getRatingSummary(db: Db, productId: string): Promise<RatingSummaryDto> {
  const rows = await db
    .select({ rating: reviews.rating, count: sql<number>`count(*)::int` })
    .from(reviews)
    .where(and(eq(reviews.productId, productId), eq(reviews.status, "approved")))
    .groupBy(reviews.rating);
  const counts = new Map(rows.map((r) => [r.rating, Number(r.count)]));
  const distribution = [5, 4, 3, 2, 1].map((stars) => ({ stars, count: counts.get(stars) ?? 0 }));
  const count = distribution.reduce((n, d) => n + d.count, 0);
  const sum = distribution.reduce((n, d) => n + d.stars * d.count, 0);
  return { average: count ? Math.round((sum * 10) / count) / 10 : null, count, distribution };
}

function photoDto(p: PhotoRow): ReviewPhotoDto {
  return {
    id: p.id,
    url: originalUrl(p.sha256, p.extension),
    thumbnailUrl: sizeUrl(p.sha256, 320),
    width: p.width,
    height: p.height,
  };
}

/** Photos of reviews, by review id, in display order. */
async function photosOf(db: Db, reviewIds: string[]): Promise<Map<string, ReviewPhotoDto[]>> {
  const result = new Map<string, ReviewPhotoDto[]>();
  if (reviewIds.length === 0) return result;
  const rows = await db
    .select()
    .from(reviewPhotos)
    .where(inArray(reviewPhotos.reviewId, reviewIds))
    .orderBy(asc(reviewPhotos.reviewId), asc(reviewPhotos.position));
  for (const row of rows) {
    const list = result.get(row.reviewId!) ?? [];
    list.push(photoDto(row));
    result.set(row.reviewId!, list);
  }
  return result;
}

function publicFields(row: ReviewRow, photos: ReviewPhotoDto[]) {
  return {
    id: row.id,
    productId: row.productId ?? "",
    rating: row.rating,
    title: row.title,
    body: row.body,
    authorName: row.authorName,
    verifiedPurchase: row.verifiedPurchase,
    helpfulCount: row.helpfulCount,
    photos,
    reply:
      row.reply !== null && row.replyAt !== null
        ? { text: row.reply, createdAt: row.replyAt.toISOString() }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function ownDto(row: ReviewRow, photos: ReviewPhotoDto[]): OwnReviewDto {
  return { ...publicFields(row, photos), status: row.status };
}

function adminDto(row: ReviewRow, photos: ReviewPhotoDto[]): AdminReviewDto {
  return {
    ...publicFields(row, photos),
    productId: row.productId,
    productSku: row.productSku,
    // The catalog's name and slug: the routes fill them in (reviews do not read the catalog).
    product: null,
    userId: row.userId,
    email: row.email,
    status: row.status,
    moderationNote: row.moderationNote,
    moderatedAt: row.moderatedAt?.toISOString() ?? null,
    moderatedBy: row.moderatedBy,
    imported: row.importKey !== null,
  };
}

/** A customer's review of a product as they write it. Texts are trimmed; lengths in characters. */
export interface OwnReviewInput {
  productId: string;
  productSku: string;
  userId: string;
  /** Shown with the review; at most 60 characters. */
  authorName: string;
  /** 1..5 stars. */
  rating: number;
  /** 1..120 characters; empty together with `body` for a rating alone. */
  title: string;
  /** 1..5000 characters; empty together with `title` for a rating alone. */
  body: string;
  /** Up to 3 photos the customer uploaded (`addReviewPhoto`), in display order. */
  photoIds?: string[];
  /** The customer bought the product (see the orders module). */
  verifiedPurchase: boolean;
}

function validateOwnReview(input: OwnReviewInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!isRating(input.rating))
    errors.push({ field: "rating", message: "must be a whole number from 1 to 5" });
  const title = input.title.trim();
  const body = input.body.trim();
  // A rating alone has neither; a written review needs both.
  if (!title && body) errors.push({ field: "title", message: "must not be empty" });
  else if (title.length > reviewLimits.titleMax)
    errors.push({ field: "title", message: `must be at most ${reviewLimits.titleMax} characters` });
  if (!body && title) errors.push({ field: "body", message: "must not be empty" });
  else if (body.length > reviewLimits.bodyMax)
    errors.push({ field: "body", message: `must be at most ${reviewLimits.bodyMax} characters` });
  if (!input.authorName.trim()) errors.push({ field: "authorName", message: "must not be empty" });
  const photoIds = input.photoIds ?? [];
  if (photoIds.length > reviewLimits.photosMax)
    errors.push({ field: "photoIds", message: `at most ${reviewLimits.photosMax} photos` });
  else if (new Set(photoIds).size !== photoIds.length)
    errors.push({ field: "photoIds", message: "must not repeat a photo" });
  return errors;
}

/**
 * Writes the customer's review of a product: the first one creates it, a later one replaces it (one
 * review per customer per product, concurrency-safe by a unique index). Either way it goes (back)
 * to the moderation queue as `pending`, unless the shop's review settings approve it at once (a
 * rating alone with `autoApproveWithoutText`, a verified buyer's with `autoApproveVerifiedBuyers`;
 * `moderatedAt` now, `moderatedBy` null); votes and the shop's reply stay. Its photos become exactly
 * `photoIds` (photos left out are removed). In one transaction. `previousStatus` is the status of
 * the review it replaced (null when created): with `ratingMoved` the caller tells the catalog.
 * @throws ValidationError naming `rating`, `title`, `body`, `authorName`, `photoIds` or
 *   `photoIds.<i>` (not a photo this customer uploaded, or used by another review).
 */
export async function saveOwnReview(
  db: Db,
  input: OwnReviewInput,
): Promise<{ review: OwnReviewDto; created: boolean; previousStatus: ReviewStatus | null }> {
  const errors = validateOwnReview(input);
  if (errors.length) throw new ValidationError(errors);
  const photoIds = input.photoIds ?? [];
  return db.transaction(async (tx) => {
    const now = new Date();
    const title = input.title.trim();
    const body = input.body.trim();
    const settings = await getReviewSettings(tx);
    const [existing] = await tx
      .select({ status: reviews.status })
      .from(reviews)
      .where(and(eq(reviews.productId, input.productId), eq(reviews.userId, input.userId)))
      .for("update");
    const status = autoApproves(settings, {
      hasText: Boolean(title || body),
      verifiedPurchase: input.verifiedPurchase,
    })
      ? "approved"
      : "pending";
    const content = {
      rating: input.rating,
      title,
      body,
      authorName: input.authorName.trim().slice(0, reviewLimits.authorNameMax),
      verifiedPurchase: input.verifiedPurchase,
      ...moderationFields(status, { note: null, staffId: null }, now),
      updatedAt: now,
    };
    const [saved] = await tx
      .insert(reviews)
      .values({
        id: newId("rev"),
        productId: input.productId,
        productSku: input.productSku,
        userId: input.userId,
        ...content,
      })
      .onConflictDoUpdate({ target: [reviews.productId, reviews.userId], set: content })
      .returning({ id: reviews.id, inserted: sql<boolean>`(xmax = 0)` });
    const reviewId = saved!.id;
    if (photoIds.length) {
      const found = new Map(
        (await tx.select().from(reviewPhotos).where(inArray(reviewPhotos.id, photoIds))).map((p) => [
          p.id,
          p,
        ]),
      );
      const bad = photoIds.flatMap((id, i) => {
        const photo = found.get(id);
        return photo &&
          photo.userId === input.userId &&
          (photo.reviewId === null || photo.reviewId === reviewId)
          ? []
          : [{ field: `photoIds.${i}`, message: "is not a photo you uploaded" }];
      });
      if (bad.length) throw new ValidationError(bad);
    }
    await tx
      .delete(reviewPhotos)
      .where(
        and(
          eq(reviewPhotos.reviewId, reviewId),
          photoIds.length ? notInArray(reviewPhotos.id, photoIds) : undefined,
        ),
      );
    for (const [position, id] of photoIds.entries()) {
      await tx.update(reviewPhotos).set({ reviewId, position }).where(eq(reviewPhotos.id, id));
    }
    const [row] = await tx.select().from(reviews).where(eq(reviews.id, reviewId));
    const photos = await photosOf(tx, [reviewId]);
    return {
      review: ownDto(row!, photos.get(reviewId) ?? []),
      created: saved!.inserted,
      previousStatus: existing?.status ?? null,
    };
  });
}

/** The customer's own review of a product (any moderation state), or null. */
export async function getOwnReview(db: Db, userId: string, productId: string): Promise<OwnReviewDto | null> {
  const [row] = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.productId, productId), eq(reviews.userId, userId)));
  if (!row) return null;
  return ownDto(row, (await photosOf(db, [row.id])).get(row.id) ?? []);
}

/**
 * Deletes the customer's own review of a product with its photos and votes. Returns the status it
 * had, or null when there was none.
 */
export async function deleteOwnReview(
  db: Db,
  userId: string,
  productId: string,
): Promise<ReviewStatus | null> {
  const [deleted] = await db
    .delete(reviews)
    .where(and(eq(reviews.productId, productId), eq(reviews.userId, userId)))
    .returning({ status: reviews.status });
  return deleted?.status ?? null;
}

/** Sort keys of the store list; every order is descending on (key, id), so one row comparison pages it. */
const sortKeys: Record<ReviewSort, { key: SQL | null; of: (r: ReviewRow) => number | null }> = {
  newest: { key: null, of: () => null },
  helpful: { key: sql`${reviews.helpfulCount}`, of: (r) => r.helpfulCount },
  highest: { key: sql`${reviews.rating}`, of: (r) => r.rating },
  // Lowest rating first, newest first among equals: descending on the negated rating.
  lowest: { key: sql`(-${reviews.rating})`, of: (r) => -r.rating },
};

interface ReviewCursor {
  s: ReviewSort;
  k: number | null;
  id: string;
}

function decodeReviewCursor(cursor: string, sort: ReviewSort): ReviewCursor {
  let value: Partial<ReviewCursor>;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<ReviewCursor>;
  } catch {
    throw cursorError();
  }
  if (
    value?.s !== sort ||
    typeof value.id !== "string" ||
    !reviewIdPattern.test(value.id) ||
    (sortKeys[sort].key === null ? value.k !== null : !Number.isSafeInteger(value.k))
  ) {
    throw cursorError();
  }
  return value as ReviewCursor;
}

/**
 * One page of a product's approved reviews with the product's rating summary. `sort`: `newest`
 * (default), `helpful` (most helpful votes), `highest` or `lowest` rating; ties newest first.
 * Keyset-paginated: `nextCursor` (null on the last page) is passed back as `cursor` with the same
 * sort. `viewerId` (signed-in shopper) fills `votedHelpful`. A constant number of queries per page.
 * @throws ValidationError (field `cursor`) for a cursor this API did not issue for this sort.
 */
export async function listProductReviews(
  db: Db,
  productId: string,
  query: { sort?: ReviewSort; limit?: number; cursor?: string; viewerId?: string | null },
): Promise<ReviewPageDto> {
  const sort: ReviewSort = query.sort && reviewSorts.includes(query.sort) ? query.sort : "newest";
  const limit = Math.min(Math.max(query.limit ?? 10, 1), 50);
  const spec = sortKeys[sort];
  const conditions: SQL[] = [sql`${reviews.productId} = ${productId}`, sql`${reviews.status} = 'approved'`];
  if (query.cursor) {
    const c = decodeReviewCursor(query.cursor, sort);
    conditions.push(
      spec.key === null
        ? sql`${reviews.id} < ${c.id}`
        : sql`(${spec.key}, ${reviews.id}) < (${c.k}::int, ${c.id})`,
    );
  }
  const order = spec.key === null ? [desc(reviews.id)] : [sql`${spec.key} desc`, desc(reviews.id)];
  const [rows, summary] = await Promise.all([
    db
      .select()
      .from(reviews)
      .where(and(...conditions))
      .orderBy(...order)
      .limit(limit + 1),
    getRatingSummary(db, productId),
  ]);
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  const [photos, voted] = await Promise.all([
    photosOf(db, ids),
    query.viewerId && ids.length
      ? db
          .select({ reviewId: reviewVotes.reviewId })
          .from(reviewVotes)
          .where(and(eq(reviewVotes.userId, query.viewerId), inArray(reviewVotes.reviewId, ids)))
          .then((r) => new Set(r.map((v) => v.reviewId)))
      : Promise.resolve(new Set<string>()),
  ]);
  const last = page[page.length - 1];
  const items: ReviewDto[] = page.map((row) => ({
    ...publicFields(row, photos.get(row.id) ?? []),
    votedHelpful: voted.has(row.id),
  }));
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(JSON.stringify({ s: sort, k: spec.of(last), id: last.id })).toString("base64url")
        : null,
    total: summary.count,
    summary,
  };
}

/**
 * Marks an approved review helpful for a shopper (`helpful: true`) or takes the vote back (`false`).
 * Idempotent: one vote per shopper per review; the stored count moves with a conditional update in
 * the same transaction as the vote row, never read-modify-write.
 * @throws NotFoundError REVIEW_NOT_FOUND (unknown or not approved), AppError 403 REVIEW_OWN (own review).
 */
export async function setHelpfulVote(
  db: Db,
  reviewId: string,
  userId: string,
  helpful: boolean,
): Promise<{ helpfulCount: number; votedHelpful: boolean }> {
  return db.transaction(async (tx) => {
    const [review] = await tx
      .select({ userId: reviews.userId, status: reviews.status, helpfulCount: reviews.helpfulCount })
      .from(reviews)
      .where(eq(reviews.id, reviewId));
    if (review?.status !== "approved") throw notFound();
    if (review.userId === userId)
      throw new AppError(403, "REVIEW_OWN", "You cannot vote on your own review.");
    const changed = helpful
      ? await tx
          .insert(reviewVotes)
          .values({ reviewId, userId })
          .onConflictDoNothing()
          .returning({ reviewId: reviewVotes.reviewId })
      : await tx
          .delete(reviewVotes)
          .where(and(eq(reviewVotes.reviewId, reviewId), eq(reviewVotes.userId, userId)))
          .returning({ reviewId: reviewVotes.reviewId });
    if (changed.length === 0) return { helpfulCount: review.helpfulCount, votedHelpful: helpful };
    const [after] = await tx
      .update(reviews)
      .set({ helpfulCount: sql`greatest(0, ${reviews.helpfulCount} + ${helpful ? 1 : -1})` })
      .where(eq(reviews.id, reviewId))
      .returning({ helpfulCount: reviews.helpfulCount });
    return { helpfulCount: after!.helpfulCount, votedHelpful: helpful };
  });
}

/** `%`, `_` and backslashes taken literally in a LIKE pattern. */

/**
 * The moderation queue: reviews in one status (default `pending`), narrowed by the filters given:
 * `productId` (exactly), `product` (a product id, or part of the SKU, case-insensitive), `rating`
 * (stars), `hasText` (a title or text, or a rating alone), `hasPhotos`, `verifiedPurchase`.
 * Pending reviews come oldest first (first come, first moderated), approved and rejected ones newest
 * first. `cursor` is the id of the last review of the previous page; `total` counts every match.
 * `product` of each item is null (the routes add the catalog's name and slug).
 * @throws ValidationError (field `cursor`) for a malformed cursor.
 */
export async function listReviewsForModeration(
  db: Db,
  query: Partial<AdminReviewQuery>,
): Promise<AdminReviewPageDto> {
  const status = query.status ?? "pending";
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
  if (query.cursor && !reviewIdPattern.test(query.cursor)) throw cursorError();
  const oldestFirst = status === "pending";
  const product = query.product?.trim();
  const hasText = sql`(${reviews.title} <> '' or ${reviews.body} <> '')`;
  const hasPhotos = sql`exists (select 1 from ${reviewPhotos} where ${reviewPhotos.reviewId} = ${reviews.id})`;
  const base = and(
    eq(reviews.status, status),
    query.productId ? eq(reviews.productId, query.productId) : undefined,
    product
      ? or(eq(reviews.productId, product), sql`${reviews.productSku} ilike ${`%${escapeLike(product)}%`}`)
      : undefined,
    query.rating !== undefined ? eq(reviews.rating, query.rating) : undefined,
    query.hasText === undefined ? undefined : query.hasText ? hasText : sql`not ${hasText}`,
    query.hasPhotos === undefined ? undefined : query.hasPhotos ? hasPhotos : sql`not ${hasPhotos}`,
    query.verifiedPurchase === undefined ? undefined : eq(reviews.verifiedPurchase, query.verifiedPurchase),
  );
  const page = and(
    base,
    query.cursor
      ? oldestFirst
        ? sql`${reviews.id} > ${query.cursor}`
        : lt(reviews.id, query.cursor)
      : undefined,
  );
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(reviews)
      .where(page)
      .orderBy(oldestFirst ? asc(reviews.id) : desc(reviews.id))
      .limit(limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(reviews).where(base),
  ]);
  const items = rows.slice(0, limit);
  const photos = await photosOf(
    db,
    items.map((r) => r.id),
  );
  return {
    items: items.map((r) => adminDto(r, photos.get(r.id) ?? [])),
    nextCursor: rows.length > limit ? items[items.length - 1]!.id : null,
    total: Number(count?.n ?? 0),
  };
}

/** A review as staff see it. @throws NotFoundError REVIEW_NOT_FOUND. */
export async function getReviewForStaff(db: Db, reviewId: string): Promise<AdminReviewDto> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, reviewId));
  if (!row) throw notFound();
  return adminDto(row, (await photosOf(db, [row.id])).get(row.id) ?? []);
}

/** One review's change of moderation status (`from` null: it was created; `to` null: deleted). */
export interface StatusChange {
  productId: string | null;
  from: ReviewStatus | null;
  to: ReviewStatus | null;
  /** Its rating (or content) was rewritten too (a shopper's edit). */
  rewritten?: boolean;
}

/**
 * The products whose rating (count, average, stars; shown by the catalog and the search index) moved
 * with these changes, each once: a review entered or left the approved ones, or an approved review was
 * rewritten. The same rule for a manual approval, an automatic one, a rejection, an edit, a deletion.
 */
export function ratingMoved(changes: readonly StatusChange[]): string[] {
  const moved = new Set<string>();
  for (const c of changes) {
    if (!c.productId || (c.from !== "approved" && c.to !== "approved")) continue;
    if (c.from !== c.to || c.rewritten) moved.add(c.productId);
  }
  return [...moved];
}

/**
 * The moderation columns of a review entering `status`: pending clears them; approved and rejected
 * record the time, the staff member (null: approved automatically by the shop's settings) and the
 * internal note.
 */
function moderationFields(
  status: ReviewStatus,
  by: { note: string | null; staffId: string | null },
  now: Date,
) {
  return status === "pending"
    ? { status, moderationNote: null, moderatedAt: null, moderatedBy: null }
    : { status, moderationNote: by.note, moderatedAt: now, moderatedBy: by.staffId };
}

/** The note of a moderation, trimmed (null when empty). @throws ValidationError naming `field`. */
function moderationNote(note: string | null | undefined, field: string): string | null {
  const text = note?.trim() || null;
  if (text && text.length > reviewLimits.noteMax)
    throw new ValidationError([{ field, message: `must be at most ${reviewLimits.noteMax} characters` }]);
  return text;
}

/**
 * Approves or rejects reviews (any of them, again if need be) in the caller's transaction, recording
 * who did it and when and an optional internal note (at most 500 characters). Rows are locked in id
 * order (no deadlock between two bulk moderations). Repeated ids count once; ids of no review come
 * back in `notFound`. `changed` gives each moderated review's product and previous status, in id
 * order (for the audit log and `ratingMoved`).
 * @throws ValidationError (field `note`, or `noteField`).
 */
export async function moderateReviews(
  db: Db,
  reviewIds: readonly string[],
  change: { status: "approved" | "rejected"; note?: string | null; staffId: string | null },
  noteField = "note",
): Promise<{ changed: (StatusChange & { id: string; from: ReviewStatus })[]; notFound: string[] }> {
  const note = moderationNote(change.note, noteField);
  const ids = [...new Set(reviewIds)];
  const wellFormed = ids.filter((id) => reviewIdPattern.test(id));
  const before = wellFormed.length
    ? await db
        .select({ id: reviews.id, productId: reviews.productId, status: reviews.status })
        .from(reviews)
        .where(inArray(reviews.id, wellFormed))
        .orderBy(asc(reviews.id))
        .for("update")
    : [];
  if (before.length) {
    await db
      .update(reviews)
      .set(moderationFields(change.status, { note, staffId: change.staffId }, new Date()))
      .where(
        inArray(
          reviews.id,
          before.map((r) => r.id),
        ),
      );
  }
  const found = new Set(before.map((r) => r.id));
  return {
    changed: before.map((r) => ({ id: r.id, productId: r.productId, from: r.status, to: change.status })),
    notFound: ids.filter((id) => !found.has(id)),
  };
}

/**
 * Approves or rejects one review (see `moderateReviews`). Returns the review and the status it had.
 * @throws NotFoundError REVIEW_NOT_FOUND, ValidationError (note).
 */
export async function moderateReview(
  db: Db,
  reviewId: string,
  change: { status: "approved" | "rejected"; note?: string | null; staffId: string | null },
): Promise<{ review: AdminReviewDto; previousStatus: ReviewStatus }> {
  const { changed } = await moderateReviews(db, [reviewId], change);
  if (!changed[0]) throw notFound();
  return { review: await getReviewForStaff(db, reviewId), previousStatus: changed[0].from };
}

const settingsId = "default";

/**
 * The shop's review settings: which new or edited shopper reviews are approved at once. Both off
 * until staff save them. `updatedAt` is null until then.
 */
export async function getReviewSettings(db: Db): Promise<ReviewSettingsDto> {
  const [row] = await db.select().from(reviewSettings).where(eq(reviewSettings.id, settingsId));
  return {
    autoApproveWithoutText: row?.autoApproveWithoutText ?? false,
    autoApproveVerifiedBuyers: row?.autoApproveVerifiedBuyers ?? false,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/**
 * Saves the shop's review settings (both flags) in the caller's transaction, the row locked while
 * read, and returns them before and after (for the audit log). Reviews already written keep their
 * status: the settings apply to reviews written or edited from now on.
 */
export async function updateReviewSettings(
  db: Db,
  input: { autoApproveWithoutText: boolean; autoApproveVerifiedBuyers: boolean },
): Promise<{ before: ReviewSettingsDto; after: ReviewSettingsDto }> {
  const [locked] = await db
    .select({ id: reviewSettings.id })
    .from(reviewSettings)
    .where(eq(reviewSettings.id, settingsId))
    .for("update");
  const before = locked
    ? await getReviewSettings(db)
    : { autoApproveWithoutText: false, autoApproveVerifiedBuyers: false, updatedAt: null };
  const values = {
    autoApproveWithoutText: input.autoApproveWithoutText,
    autoApproveVerifiedBuyers: input.autoApproveVerifiedBuyers,
    updatedAt: new Date(),
  };
  await db
    .insert(reviewSettings)
    .values({ id: settingsId, ...values })
    .onConflictDoUpdate({ target: reviewSettings.id, set: values });
  return { before, after: await getReviewSettings(db) };
}

/** Whether the shop's settings approve a shopper's review at once. */
function autoApproves(
  settings: Pick<ReviewSettingsDto, "autoApproveWithoutText" | "autoApproveVerifiedBuyers">,
  review: { hasText: boolean; verifiedPurchase: boolean },
): boolean {
  return (
    (settings.autoApproveWithoutText && !review.hasText) ||
    (settings.autoApproveVerifiedBuyers && review.verifiedPurchase)
  );
}

/**
 * Sets the shop's public reply to a review (text trimmed, 1..2000 characters; its time is now), or
 * removes it (`text: null`).
 * @throws NotFoundError REVIEW_NOT_FOUND, ValidationError (text).
 */
export async function replyToReview(
  db: Db,
  reviewId: string,
  reply: { text: string | null; staffId: string | null },
): Promise<AdminReviewDto> {
  const text = reply.text === null ? null : reply.text.trim();
  if (text !== null && !text) throw new ValidationError([{ field: "text", message: "must not be empty" }]);
  if (text && text.length > reviewLimits.replyMax)
    throw new ValidationError([
      { field: "text", message: `must be at most ${reviewLimits.replyMax} characters` },
    ]);
  const updated = await db
    .update(reviews)
    .set(
      text === null
        ? { reply: null, replyAt: null, replyBy: null }
        : { reply: text, replyAt: new Date(), replyBy: reply.staffId },
    )
    .where(eq(reviews.id, reviewId))
    .returning({ id: reviews.id });
  if (updated.length === 0) throw notFound();
  return getReviewForStaff(db, reviewId);
}

const photoFormats = new Set(["jpeg", "png", "webp"]);
/** Photos larger than this (pixels) are refused before decoding (decompression bombs). */
const maxInputPixels = 50_000_000;
/** Longest side, in pixels, of a stored photo. */
const maxPhotoSide = 2000;

/**
 * Stores a photo a customer uploads for a review (JPEG, PNG or WebP, at most 5 MB): re-encoded in
 * its format, turned upright, at most 2000 pixels on its longest side, without metadata (camera,
 * GPS position); kept in image storage (content-addressed) and served with its responsive sizes.
 * It belongs to the customer until a review of theirs uses it (`photoIds`).
 * @throws ValidationError (field `photo`) when the bytes are not such an image or are too large.
 */
export async function addReviewPhoto(
  db: Db,
  images: ImageService,
  userId: string,
  data: Buffer,
): Promise<ReviewPhotoDto> {
  const refuse = (message: string) => new ValidationError([{ field: "photo", message }]);
  if (data.length > reviewLimits.photoBytesMax) throw refuse("must be at most 5 MB");
  let format: string | undefined;
  try {
    format = (await sharp(data, { limitInputPixels: maxInputPixels }).metadata()).format;
  } catch {
    throw refuse("is not a JPEG, PNG or WebP image");
  }
  if (!format || !photoFormats.has(format)) throw refuse("is not a JPEG, PNG or WebP image");
  let encoded: Buffer;
  try {
    const pipeline = sharp(data, { limitInputPixels: maxInputPixels })
      .rotate()
      .resize({ width: maxPhotoSide, height: maxPhotoSide, fit: "inside", withoutEnlargement: true });
    encoded = await (format === "png"
      ? pipeline.png()
      : format === "webp"
        ? pipeline.webp({ quality: 85 })
        : pipeline.jpeg({ quality: 85, mozjpeg: true })
    ).toBuffer();
  } catch {
    throw refuse("could not be read as an image");
  }
  const stored = await images.storeOriginal(encoded);
  const [row] = await db
    .insert(reviewPhotos)
    .values({
      id: newId("rvp"),
      userId,
      sha256: stored.sha256,
      extension: stored.storageKey.slice(stored.storageKey.lastIndexOf(".") + 1),
      width: stored.width,
      height: stored.height,
    })
    .returning();
  return photoDto(row!);
}

/** Removes uploaded photos no review used, uploaded before `before`. Returns how many. */
export async function deleteUnusedPhotos(db: Db, before: Date): Promise<number> {
  const deleted = await db
    .delete(reviewPhotos)
    .where(and(isNull(reviewPhotos.reviewId), lt(reviewPhotos.createdAt, before)))
    .returning({ id: reviewPhotos.id });
  return deleted.length;
}

/** Of the given products, those the customer has reviewed (in any moderation state). */
export async function reviewedProductIds(db: Db, userId: string, productIds: string[]): Promise<Set<string>> {
  if (productIds.length === 0) return new Set();
  const rows = await db
    .select({ productId: reviews.productId })
    .from(reviews)
    .where(and(eq(reviews.userId, userId), anyText(reviews.productId, productIds)));
  return new Set(rows.map((r) => r.productId!));
}

/** Of the given orders, those that already had their review request (sent or skipped). */
export async function requestedOrderIds(db: Db, orderIds: string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await queryRows<{ order_id: string }>(
    db,
    sql`select order_id from ${reviewRequests} where ${anyText(reviewRequests.orderId, orderIds)}`,
  );
  return new Set(rows.map((r) => r.order_id));
}

/**
 * Records an order's review request (in the caller's transaction, with the e-mail it queues).
 * Returns false when the order already had one: whoever records it first sends it, once.
 */
export async function claimReviewRequest(
  tx: Db,
  orderId: string,
  outcome: "sent" | "skipped",
): Promise<boolean> {
  const inserted = await tx
    .insert(reviewRequests)
    .values({ orderId, outcome })
    .onConflictDoNothing()
    .returning({ orderId: reviewRequests.orderId });
  return inserted.length > 0;
}

/** Reviews waiting in the moderation queue (the admin home's figure); one indexed count. */
export async function pendingReviewCount(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reviews)
    .where(eq(reviews.status, "pending"));
  return Number(row?.n ?? 0);
}
