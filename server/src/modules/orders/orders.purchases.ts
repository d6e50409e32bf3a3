import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { fulfillments, orderLineItems, orders } from "./orders.schema.ts";

/** Order statuses of a paid order that was neither cancelled nor wholly refunded. */
const boughtStatuses = ["processing", "partially_shipped", "shipped", "delivered", "completed"];

/**
 * Whether the account bought the product: one of its orders (placed signed in) that is paid and not
 * cancelled or wholly refunded holds a line of the product (any of its variants). One indexed query.
 */
export async function hasPurchasedProduct(db: Db, userId: string, productId: string): Promise<boolean> {
  const rows = await queryRows<{ found: number }>(
    db,
    sql`select 1 as found from ${orders} o
      where o.user_id = ${userId} and o.status = any(${sql.param(boughtStatuses)}::text[])
        and exists (select 1 from ${orderLineItems} l where l.order_id = o.id and l.product_id = ${productId})
      limit 1`,
  );
  return rows.length > 0;
}

/**
 * Of the given products (or of the given products' variants), those that any order line references,
 * whatever the order's status: the catalog archives such products instead of deleting them, so order
 * history keeps its links.
 */
export async function orderedProductIds(db: Db, productIds: string[]): Promise<Set<string>> {
  if (productIds.length === 0) return new Set();
  const rows = await queryRows<{ product_id: string }>(
    db,
    sql`select distinct l.product_id from ${orderLineItems} l
      where l.product_id = any(${sql.param(productIds)}::text[])`,
  );
  return new Set(rows.map((r) => r.product_id));
}

/**
 * Orders whose goods the customer has had for a while, for review requests: an order counts from the
 * time its last parcel was delivered (when the carrier reported every parcel delivered), else from
 * the time its last parcel shipped (everything shipped), or from when it was placed when nothing
 * ships (digital goods, paid). Cancelled, refunded and unpaid orders never count. Answers the ids of
 * orders that count from a time in (`from`, `to`], after `afterId`, in id order, `limit` at most.
 */
export async function ordersReceivedBetween(
  db: Db,
  query: { from: Date; to: Date; afterId?: string; limit: number },
): Promise<string[]> {
  // `updated_at` is at least the time the order counts from (the change that shipped or delivered it
  // touched it), give or take clock skew between processes: a cheap first filter.
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select o.id from ${orders} o
      cross join lateral (select case
          when o.fulfillment_status = 'not_required' then o.placed_at
          when o.fulfillment_status = 'delivered' then
            (select max(f.delivered_at) from ${fulfillments} f where f.order_id = o.id)
          else (select max(coalesce(f.shipped_at, f.created_at)) from ${fulfillments} f where f.order_id = o.id)
        end as received_at) r
      where (o.status in ('shipped', 'delivered', 'completed')
          or (o.status = 'processing' and o.fulfillment_status = 'not_required'))
        and o.updated_at > ${query.from.toISOString()}::timestamptz - interval '1 day'
        and r.received_at > ${query.from.toISOString()}::timestamptz
        and r.received_at <= ${query.to.toISOString()}::timestamptz
        and o.id > ${query.afterId ?? ""}
      order by o.id limit ${query.limit}`,
  );
  return rows.map((r) => r.id);
}
