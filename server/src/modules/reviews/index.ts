/**
 * Reviews: shoppers' ratings, texts and photos, their moderation, the shop's replies, "helpful"
 * votes, rating summaries, and the record of review requests sent per order. Other modules import
 * only from here. It imports no other domain module (the catalog reads ratings from it): what needs
 * the catalog or orders (product checks, verified purchases, review requests) lives in flows/.
 */

export { reviewsPersonalData } from "./reviews.personal-data.ts";
export { type RatingTotals, ratingTotalsOfGroups } from "./reviews.ratings.ts";
export { adminReviewRoutes, type ReviewPorts, storeReviewRoutes } from "./reviews.routes.ts";
export {
  addReviewPhoto,
  addReviews,
  claimReviewRequest,
  deleteOwnReview,
  deleteUnusedPhotos,
  getOwnReview,
  getRatingSummaries,
  getRatingSummary,
  getReviewForStaff,
  getReviewSettings,
  listProductReviews,
  listReviewsForModeration,
  moderateReview,
  moderateReviews,
  type OwnReviewInput,
  pendingReviewCount,
  type ReviewInput,
  ratingMoved,
  replyToReview,
  requestedOrderIds,
  reviewedProductIds,
  type StatusChange,
  saveOwnReview,
  setHelpfulVote,
  updateReviewSettings,
} from "./reviews.service.ts";
export { type ReviewStatus, reviewStatuses } from "./reviews.statuses.ts";
export {
  type AdminReviewDto,
  AdminReviewPageSchema,
  type AdminReviewQuery,
  AdminReviewQuerySchema,
  AdminReviewSchema,
  BulkModerationResultSchema,
  BulkModerationSchema,
  bulkModerationMax,
  HelpfulSchema,
  type OwnReviewDto,
  OwnReviewSchema,
  OwnReviewStateSchema,
  type RatingSummaryDto,
  RatingSummarySchema,
  type ReviewDto,
  ReviewInputSchema,
  ReviewListQuerySchema,
  type ReviewPageDto,
  ReviewPageSchema,
  type ReviewPhotoDto,
  ReviewPhotoSchema,
  ReviewSchema,
  type ReviewSettingsDto,
  ReviewSettingsInputSchema,
  ReviewSettingsSchema,
  type ReviewSort,
  reviewLimits,
  reviewSorts,
} from "./reviews.types.ts";
