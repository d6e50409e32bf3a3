import { eq, or, sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";
import { reviewPhotos, reviews, reviewVotes } from "./reviews.schema.ts";

const bySubject = (userId: string, email: string) =>
  or(sql`${reviews.userId} = ${userId}`, sql`lower(${reviews.email}) = lower(${email})`);

/**
 * Reviews written by the person, their photos and their "helpful" votes. The author name and email
 * are personal; the text stays as the shop's content, unsigned. Photos may show the person, so they
 * go; votes go too (and leave the helpful counts).
 *
 * `columns` declares the `reviews` columns only: `review_photos` and `review_votes` hold no name or
 * address (ids and image references), and are exported and erased all the same.
 */
export const reviewsPersonalData: PersonalDataSource = {
  columns: { reviews: ["author_name", "email", "title", "body", "rating", "created_at"] },
  async export(db, { userId, email }) {
    const [rows, photos, votes] = await Promise.all([
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, product_id, product_sku, rating, title, body, author_name, email, status,
          verified_purchase, helpful_count, reply, reply_at, created_at, updated_at from ${reviews}
          where ${bySubject(userId, email)} order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, review_id, sha256, extension, width, height, created_at from ${reviewPhotos}
          where user_id = ${userId} order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select review_id, created_at from ${reviewVotes} where user_id = ${userId} order by created_at`,
      ),
    ]);
    return { reviews: rows, review_photos: photos, review_votes: votes };
  },
  async erase(db, { userId, email }) {
    // Votes first, each taking its count back with it (conditional update, no read-modify-write).
    await db.execute(sql`with gone as (delete from ${reviewVotes} where user_id = ${userId} returning review_id)
      update ${reviews} r set helpful_count = greatest(0, r.helpful_count - g.n)
      from (select review_id, count(*)::int as n from gone group by review_id) g where r.id = g.review_id`);
    await db.delete(reviewPhotos).where(eq(reviewPhotos.userId, userId));
    await db
      .update(reviews)
      .set({ authorName: "Anonymous", email: null, userId: null })
      .where(bySubject(userId, email));
  },
};
