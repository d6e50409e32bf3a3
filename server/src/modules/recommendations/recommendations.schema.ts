import { integer, jsonb, pgTable, primaryKey, real, text, timestamp } from "drizzle-orm/pg-core";
import type { NeighbourKind } from "./recommendations.kinds.ts";

/**
 * Trained top-K neighbours of each product (rebuilt by `trainRecommendations`), best first by `rank`
 * (0-based). `score` is the model's similarity (shrunk cosine for bought_together, TF-IDF cosine for
 * similar), unitless in [0, 1].
 */
export const recommendationNeighbours = pgTable(
  "recommendation_neighbours",
  {
    productId: text("product_id").notNull(),
    kind: text("kind").$type<NeighbourKind>().notNull(),
    rank: integer("rank").notNull(),
    neighbourId: text("neighbour_id").notNull(),
    score: real("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.kind, t.rank] })],
);

/**
 * Trained popular products: overall (`scope` = "") and per category (`scope` = category id; a product
 * counts in its categories and their ancestors), best first by `rank`. `score` = recent orders,
 * each weighted 0.5^(age in days / 90).
 */
export const recommendationPopular = pgTable(
  "recommendation_popular",
  {
    scope: text("scope").notNull(),
    rank: integer("rank").notNull(),
    productId: text("product_id").notNull(),
    score: real("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.rank] })],
);

/** The last training run (one row, id "default"): when, and what it produced. */
export const recommendationState = pgTable("recommendation_state", {
  id: text("id").primaryKey(),
  trainedAt: timestamp("trained_at", { withTimezone: true, mode: "date" }).notNull(),
  stats: jsonb("stats").$type<Record<string, number>>().notNull(),
});

export type { NeighbourKind };
