/**
 * The review moderation screen's calls of the Bazaar API (/api/admin/reviews*), each one line on the
 * dashboard's typed client, and the shapes they answer (derived from the generated OpenAPI types).
 */
import { type BodyOf, done, type Item, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

/** Filters and paging of the moderation queue (`status` defaults to pending). */
export type ReviewQueueQuery = Partial<QueryOf<"/api/admin/reviews">>;
/** One page of the queue: `items`, `nextCursor` (null on the last page), `total` matches. */
export type ReviewQueuePage = ResponseOf<"/api/admin/reviews">;
/** A review as staff see it: author and e-mail, product, photos, reply, last moderation. */
export type QueuedReview = Item<ReviewQueuePage>;
export type ReviewStatus = QueuedReview["status"];
/** Which new or edited reviews are approved at once. */
export type ReviewSettings = ResponseOf<"/api/admin/reviews/settings">;
export type ReviewSettingsInput = BodyOf<"/api/admin/reviews/settings", "put">;
/** `{ reviewIds (1-200), action: "approve" | "reject", reason? }`. */
export type BulkModeration = BodyOf<"/api/admin/reviews/bulk">;
/** `{ updated, notFound }` of a bulk moderation. */
export type BulkModerationResult = ResponseOf<"/api/admin/reviews/bulk", "post">;

const review = (reviewId: string) => ({ params: { path: { reviewId } } });

export const reviewsApi = {
  queue: (query: ReviewQueueQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/reviews", { params: { query: present({ limit: 20, ...query }) }, signal })),
  approve: (reviewId: string) => ok(client.POST("/api/admin/reviews/{reviewId}/approve", review(reviewId))),
  /** `note`: why, internal (at most 500 characters). */
  reject: (reviewId: string, note: string) =>
    ok(
      client.POST("/api/admin/reviews/{reviewId}/reject", {
        ...review(reviewId),
        body: note.trim() ? { note: note.trim() } : {},
      }),
    ),
  bulk: (body: BulkModeration) => ok(client.POST("/api/admin/reviews/bulk", { body })),
  /** The shop's public answer (1-2000 characters), replacing an earlier one. */
  reply: (reviewId: string, text: string) =>
    ok(client.PUT("/api/admin/reviews/{reviewId}/reply", { ...review(reviewId), body: { text } })),
  removeReply: (reviewId: string) =>
    done(client.DELETE("/api/admin/reviews/{reviewId}/reply", review(reviewId))),
  settings: (signal?: AbortSignal) => ok(client.GET("/api/admin/reviews/settings", { signal })),
  saveSettings: (body: ReviewSettingsInput) => ok(client.PUT("/api/admin/reviews/settings", { body })),
};
