/** Recommendations: bought together, similar products, popular and personal. Other code imports only from here. */

export { type NeighbourKind, neighbourKinds } from "./recommendations.kinds.ts";
export {
  basketsByCustomer,
  type ContentItem,
  contentNeighbours,
  contentNeighboursInSlices,
  defaultModelOptions,
  type HeldOut,
  hitRateAndNdcg,
  itemNeighbours,
  leaveLastOut,
  type Purchase,
  popularByCategory,
  popularity,
  type RecommendationSources,
  recommendForHistory,
  type Scored,
  shrunkCosine,
  terms,
  topK,
} from "./recommendations.model.ts";
export { recommendationRoutes } from "./recommendations.routes.ts";
export {
  lastTrainedAt,
  popularProducts,
  productRecommendations,
  recommendationsFor,
  summariesInOrder,
  type TrainingProgress,
  type TrainingStats,
  trainRecommendations,
} from "./recommendations.service.ts";
