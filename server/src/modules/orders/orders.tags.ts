/**
 * Staff tags on orders ("vip", "gift", "wholesale"): a normalised list on the order (see
 * platform/tags.ts), replaced whole under the order's version (If-Match), and the tags in use for
 * suggestions. The staff order list filters by one through the GIN index `orders_tags_idx`.
 */
import { eq, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { normaliseTags } from "../../platform/tags.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { orders } from "./orders.schema.ts";
import { lockOrder, type OrderRow } from "./orders.service.ts";

/**
 * Replaces an order's tags (normalised, deduplicated, at most 20) and bumps its version, in one
 * transaction under the order's row lock. Tags equal to the stored ones change nothing (no new
 * version). Returns the tags before and the order after.
 * @param expected the version the client edited (If-Match); undefined: unconditional.
 * @throws ValidationError naming `tags[i]` (or `tags`), NotFoundError ORDER_NOT_FOUND,
 *   StaleVersionError (409 STALE_VERSION) when the order moved past `expected`.
 */
export async function setOrderTags(
  db: Db,
  orderId: string,
  raw: readonly string[],
  expected: number | undefined,
): Promise<{ before: string[]; order: OrderRow }> {
  const tags = normaliseTags(raw);
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    assertVersion("order", order.version, expected);
    if (JSON.stringify(order.tags) === JSON.stringify(tags)) return { before: order.tags, order };
    const [updated] = await tx
      .update(orders)
      .set({ tags, version: sql`${orders.version} + 1`, updatedAt: new Date() })
      .where(eq(orders.id, orderId))
      .returning();
    return { before: order.tags, order: updated! };
  });
}

/** A tag in use and how many orders carry it. */
export interface TagUse {
  tag: string;
  orders: number;
}

/** The tags on orders, most used first (then alphabetically), at most `limit`: for suggestions. */
export async function orderTagsInUse(db: Db, limit = 100): Promise<TagUse[]> {
  const rows = await queryRows<{ tag: string; n: number }>(
    db,
    sql`select t.tag, count(*)::int as n
      from ${orders} o cross join lateral jsonb_array_elements_text(o.tags) as t(tag)
      where o.tags <> '[]'::jsonb
      group by t.tag order by n desc, t.tag limit ${limit}`,
  );
  return rows.map((r) => ({ tag: r.tag, orders: Number(r.n) }));
}
