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

/** What an account has ordered, for the staff customer list: orders that were paid and not cancelled. */
export interface CustomerOrderStats {
  /** Orders placed signed in to the account and paid, not cancelled or wholly refunded. */
  ordersCount: number;
  /** Their totals summed per currency, minor units. */
  totalSpent: { amount: number; currency: string }[];
  /** When the last of them was placed, ISO 8601 UTC. */
  lastOrderAt: string | null;
}

/**
 * Order figures of the given accounts (one query over the `orders_user_idx` index). Accounts without
 * such orders are absent from the map.
 */
export async function orderStatsOfUsers(db: Db, userIds: string[]): Promise<Map<string, CustomerOrderStats>> {
  const result = new Map<string, CustomerOrderStats>();
  if (userIds.length === 0) return result;
  const rows = await queryRows<{
    user_id: string;
    currency: string;
    n: number;
    spent: string | number;
    last: Date | string;
  }>(
    db,
    sql`select o.user_id, o.currency, count(*)::int as n, sum(o.total) as spent, max(o.placed_at) as last
      from ${orders} o
      where o.user_id = any(${sql.param(userIds)}::text[]) and o.status = any(${sql.param(boughtStatuses)}::text[])
      group by o.user_id, o.currency`,
  );
  for (const r of rows) {
    const stats = result.get(r.user_id) ?? { ordersCount: 0, totalSpent: [], lastOrderAt: null };
    stats.ordersCount += Number(r.n);
    stats.totalSpent.push({ amount: Number(r.spent), currency: r.currency });
    const last = new Date(r.last).toISOString();
    if (!stats.lastOrderAt || last > stats.lastOrderAt) stats.lastOrderAt = last;
    result.set(r.user_id, stats);
  }
  return result;
}

/**
 * SQL condition "this account has (not) ordered", for the customers module's staff list to embed
 * with the column holding the user id. Keeps the orders tables private to this module.
 */
export function hasOrderedCondition(userIdColumn: unknown, ordered: boolean) {
  const exists = sql`exists (select 1 from ${orders} o where o.user_id = ${userIdColumn}
    and o.status = any(${sql.param(boughtStatuses)}::text[]))`;
  return ordered ? exists : sql`not ${exists}`;
}

/** The account's most recent orders (any status), newest first, at most `limit`. */
export async function recentOrdersOfUser(
  db: Db,
  userId: string,
  limit = 10,
): Promise<
  { id: string; number: string; status: string; total: number; currency: string; placedAt: string }[]
> {
  const rows = await queryRows<{
    id: string;
    number: string;
    status: string;
    total: string | number;
    currency: string;
    placed_at: Date | string;
  }>(
    db,
    sql`select id, number, status, total, currency, placed_at from ${orders}
      where user_id = ${userId} order by placed_at desc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    total: Number(r.total),
    currency: r.currency,
    placedAt: new Date(r.placed_at).toISOString(),
  }));
}
