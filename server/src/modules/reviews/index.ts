/** Reviews: shoppers' ratings and texts. Other modules import only from here. */
export { addReviews, getRatingSummaries, type ReviewInput } from "./reviews.service.ts";
