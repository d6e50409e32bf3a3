import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { orders, returns } from "./orders.schema.ts";

/** What the admin home shows about orders. Amounts in minor units per ISO 4217 currency. */
export interface OrderDashboardFigures {
  /** Orders placed since `since` (any status but cancelled, unpaid or declined at checkout). */
  ordersSince: number;
  /** Their totals, per currency. */
  salesSince: { amount: number; currency: string }[];
  /** Paid orders with something left to ship (processing, partially shipped). */
  toShip: number;
  /** Orders held for review (fraud rules). */
  onHold: number;
  /** Returns waiting for staff: requested (to approve) or approved (to receive). */
  returnsToHandle: number;
}

/**
 * The admin home's order figures, in four indexed queries.
 * @param since start of "today" as the staff member's browser sees it, UTC.
 */
export async function orderDashboardFigures(db: Db, since: Date): Promise<OrderDashboardFigures> {
  const [sales, open, rmas] = await Promise.all([
    queryRows<{ currency: string; n: number; total: string | number }>(
      db,
      sql`select currency, count(*)::int as n, sum(total) as total from ${orders}
        where placed_at >= ${since} and status not in ('cancelled', 'pending_payment', 'payment_failed')
        group by currency`,
    ),
    queryRows<{ status: string; n: number }>(
      db,
      sql`select status, count(*)::int as n from ${orders}
        where status in ('processing', 'partially_shipped', 'on_hold') group by status`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${returns} where status in ('requested', 'approved')`,
    ),
  ]);
  const count = (status: string) => Number(open.find((r) => r.status === status)?.n ?? 0);
  return {
    ordersSince: sales.reduce((sum, r) => sum + Number(r.n), 0),
    salesSince: sales.map((r) => ({ amount: Number(r.total), currency: r.currency })),
    toShip: count("processing") + count("partially_shipped"),
    onHold: count("on_hold"),
    returnsToHandle: Number(rmas[0]?.n ?? 0),
  };
}

/**
 * Orders (not cancelled, nor declined at checkout) that a promotion applied to, and the discount it gave on them per currency
 * (minor units), from the promotion snapshots orders keep. For the staff promotion page
 * (pricing's `PromotionOrderStats`).
 */
export async function promotionUsage(
  db: Db,
  promotionId: string,
): Promise<{ orders: number; discountTotals: { currency: string; amount: number }[] }> {
  const rows = await queryRows<{ currency: string; n: number; amount: string | number }>(
    db,
    sql`select o.currency, count(distinct o.id)::int as n, coalesce(sum((p.value->>'amount')::bigint), 0) as amount
      from ${orders} o cross join lateral jsonb_array_elements(o.promotions) p
      where p.value->>'id' = ${promotionId} and o.status not in ('cancelled', 'payment_failed')
      group by o.currency order by o.currency`,
  );
  return {
    orders: rows.reduce((sum, r) => sum + Number(r.n), 0),
    discountTotals: rows.map((r) => ({ currency: r.currency, amount: Number(r.amount) })),
  };
}
