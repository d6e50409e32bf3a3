import { and, eq, sql } from "drizzle-orm";
import { anyText, type Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { reviews } from "./reviews.schema.ts";

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

/**
 * Stores reviews. A review whose `importKey` is already stored is not duplicated; it only gets its
 * product attached if it had none. Returns how many were created.
 * @throws ValidationError when a rating is outside 1..5.
 */
export async function addReviews(db: Db, inputs: ReviewInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  for (const r of inputs) {
    if (!Number.isInteger(r.rating) || r.rating < 1 || r.rating > 5) {
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
