import { and, eq, sql } from "drizzle-orm";
import { anyText, type Db } from "../../platform/db.ts";
import { reviews } from "./reviews.schema.ts";

/** Approved reviews of a group of products: how many, and their stars added up (average = stars / count). */
export interface RatingTotals {
  count: number;
  /** Sum of the reviews' ratings (1..5 stars each). */
  stars: number;
}

/**
 * The approved reviews of each group of products (e.g. a vendor's products, keyed by vendor id):
 * count and sum of stars, exact, so callers can average over any grouping without rounding twice.
 * Groups without approved reviews answer `{ count: 0, stars: 0 }`; a product in two groups counts in
 * both. One query, whatever the number of groups (`reviews_product_idx`).
 */
export async function ratingTotalsOfGroups(
  db: Db,
  groups: Map<string, string[]>,
): Promise<Map<string, RatingTotals>> {
  const result = new Map<string, RatingTotals>([...groups.keys()].map((k) => [k, { count: 0, stars: 0 }]));
  const productIds = [...new Set([...groups.values()].flat())];
  if (!productIds.length) return result;
  const rows = await db
    .select({
      productId: reviews.productId,
      count: sql<number>`count(*)::int`,
      stars: sql<number>`sum(${reviews.rating})::int`,
    })
    .from(reviews)
    .where(and(anyText(reviews.productId, productIds), eq(reviews.status, "approved")))
    .groupBy(reviews.productId);
  const byProduct = new Map(
    rows.map((r) => [r.productId!, { count: Number(r.count), stars: Number(r.stars) }]),
  );
  for (const [key, ids] of groups) {
    const totals = result.get(key)!;
    for (const id of new Set(ids)) {
      const t = byProduct.get(id);
      if (!t) continue;
      totals.count += t.count;
      totals.stars += t.stars;
    }
  }
  return result;
}
