/** Reviews: shoppers' ratings and texts. Other modules import only from here. */

export { reviewsPersonalData } from "./reviews.personal-data.ts";
export { addReviews, getRatingSummaries, type ReviewInput } from "./reviews.service.ts";
