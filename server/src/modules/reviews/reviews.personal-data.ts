import { or, sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";
import { reviews } from "./reviews.schema.ts";

const bySubject = (userId: string, email: string) =>
  or(sql`${reviews.userId} = ${userId}`, sql`lower(${reviews.email}) = lower(${email})`);

/** Reviews written by the person: the author name and email are personal; the text stays as the shop's content, unsigned. */
export const reviewsPersonalData: PersonalDataSource = {
  columns: { reviews: ["author_name", "email", "title", "body", "rating", "created_at"] },
  async export(db, { userId, email }) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select id, product_sku, rating, title, body, author_name, email, created_at from ${reviews}
        where ${bySubject(userId, email)} order by created_at`,
    );
    return { reviews: rows };
  },
  async erase(db, { userId, email }) {
    await db
      .update(reviews)
      .set({ authorName: "Anonymous", email: null, userId: null })
      .where(bySubject(userId, email));
  },
};
