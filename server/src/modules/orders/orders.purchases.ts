import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { type FieldError, ValidationError } from "../../platform/errors.ts";
import { customerOrderStats, fulfillments, orderLineItems, orders } from "./orders.schema.ts";

/**
 * Order statuses of a paid order that was neither cancelled nor wholly refunded. Migration 0026's
 * `refresh_customer_order_stats` lists the same statuses: change both together.
 */
const boughtStatuses = [
  "processing",
  "partially_shipped",
  "shipped",
  "ready_for_pickup",
  "delivered",
  "completed",
];

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
  /** Their totals minus what was refunded, summed per currency, minor units. */
  totalSpent: { amount: number; currency: string }[];
  /** When the last of them was placed, ISO 8601 UTC. */
  lastOrderAt: string | null;
}

/**
 * Order figures of the given accounts, read from `customer_order_stats` (kept by a trigger on orders,
 * migration 0026). Accounts without such orders are absent from the map.
 */
export async function orderStatsOfUsers(db: Db, userIds: string[]): Promise<Map<string, CustomerOrderStats>> {
  const result = new Map<string, CustomerOrderStats>();
  if (userIds.length === 0) return result;
  const rows = await queryRows<{
    user_id: string;
    currency: string;
    orders_count: number;
    total_spent: string | number;
    last_order_at: Date | string;
  }>(
    db,
    sql`select s.user_id, s.currency, s.orders_count, s.total_spent, s.last_order_at
      from ${customerOrderStats} s where s.user_id = any(${sql.param(userIds)}::text[])
      order by s.user_id, s.currency`,
  );
  for (const r of rows) {
    const stats = result.get(r.user_id) ?? { ordersCount: 0, totalSpent: [], lastOrderAt: null };
    stats.ordersCount += Number(r.orders_count);
    stats.totalSpent.push({ amount: Number(r.total_spent), currency: r.currency });
    const last = new Date(r.last_order_at).toISOString();
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
  const exists = sql`${userIdColumn} in (select s.user_id from ${customerOrderStats} s)`;
  return ordered ? exists : sql`not ${exists}`;
}

/** Filters of the staff customer list on an account's order figures (see CustomerOrderStats). */
export interface OrderFigureFilter {
  /** At least / at most this many orders, over all currencies. */
  minOrders?: number;
  maxOrders?: number;
  /** Spent at least / at most this, minor units of `spentCurrency` (required with either). */
  minSpent?: number;
  maxSpent?: number;
  /** ISO 4217 code, e.g. USD. */
  spentCurrency?: string;
  /** The last order was placed at or after / before this time (UTC). */
  lastOrderAfter?: Date;
  lastOrderBefore?: Date;
}

/**
 * SQL conditions for `filter`, on the column holding the user id, each one semi-join on the small
 * `customer_order_stats` table (so counting the matches does not read every account's orders).
 * @throws ValidationError naming `spentCurrency` (missing with minSpent/maxSpent, or not 3 capital
 *   letters), `maxOrders`, `maxSpent` or `lastOrderBefore` when below their minimum counterpart.
 */
export function orderFigureConditions(userIdColumn: unknown, filter: OrderFigureFilter): SQL[] {
  const errors: FieldError[] = [];
  const where: SQL[] = [];
  const { minOrders, maxOrders, minSpent, maxSpent, spentCurrency, lastOrderAfter, lastOrderBefore } = filter;
  if (minOrders !== undefined && maxOrders !== undefined && maxOrders < minOrders)
    errors.push({ field: "maxOrders", message: "must not be below minOrders" });
  if ((minSpent !== undefined || maxSpent !== undefined) && spentCurrency === undefined)
    errors.push({ field: "spentCurrency", message: "give the currency of minSpent / maxSpent, e.g. USD" });
  if (spentCurrency !== undefined && !/^[A-Z]{3}$/.test(spentCurrency))
    errors.push({ field: "spentCurrency", message: "an ISO 4217 code in capitals, e.g. USD" });
  if (minSpent !== undefined && maxSpent !== undefined && maxSpent < minSpent)
    errors.push({ field: "maxSpent", message: "must not be below minSpent" });
  if (lastOrderAfter && lastOrderBefore && lastOrderBefore <= lastOrderAfter)
    errors.push({ field: "lastOrderBefore", message: "must be after lastOrderAfter" });
  if (errors.length) throw new ValidationError(errors);

  const s = customerOrderStats;
  if (minOrders !== undefined && minOrders > 0)
    where.push(sql`${userIdColumn} in (select s.user_id from ${s} s group by s.user_id
      having sum(s.orders_count) >= ${minOrders})`);
  if (maxOrders !== undefined)
    where.push(sql`${userIdColumn} not in (select s.user_id from ${s} s group by s.user_id
      having sum(s.orders_count) > ${maxOrders})`);
  if (spentCurrency !== undefined && (minSpent !== undefined || maxSpent !== undefined)) {
    const bounds = [
      ...(minSpent !== undefined ? [sql`s.total_spent >= ${minSpent}`] : []),
      ...(maxSpent !== undefined ? [sql`s.total_spent <= ${maxSpent}`] : []),
    ];
    // "Spent at most X" includes accounts that spent nothing in that currency.
    const spentIn = sql`select s.user_id from ${s} s where s.currency = ${spentCurrency}`;
    where.push(
      minSpent !== undefined && minSpent > 0
        ? sql`${userIdColumn} in (${spentIn} and ${sql.join(bounds, sql` and `)})`
        : sql`${userIdColumn} not in (${spentIn} and not (${sql.join(bounds, sql` and `)}))`,
    );
  }
  if (lastOrderAfter || lastOrderBefore) {
    const having = [
      ...(lastOrderAfter ? [sql`max(s.last_order_at) >= ${lastOrderAfter.toISOString()}::timestamptz`] : []),
      ...(lastOrderBefore ? [sql`max(s.last_order_at) < ${lastOrderBefore.toISOString()}::timestamptz`] : []),
    ];
    where.push(sql`${userIdColumn} in (select s.user_id from ${s} s group by s.user_id
      having ${sql.join(having, sql` and `)})`);
  }
  return where;
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
