/**
 * Vendor metrics from the vendor orders: sales, orders, average order value, commission, payable,
 * cancellation and return rates, fulfilment time; and the ranking of vendors by sales. Ratings come
 * from the reviews module (composed in flows/vendor-metrics).
 *
 * Definitions (every figure over the vendor orders placed in [from, to), UTC, by their order's
 * placing time; default all time):
 * - counted vendor orders: those whose order was placed and paid, i.e. whose order status is not
 *   `pending_payment` or `payment_failed` (an unpaid checkout is not a sale); cancelled orders count;
 * - `orders`: counted vendor orders; `cancelledOrders`: those with fulfilment status `cancelled` (the
 *   order was cancelled, or every unit that ships was refunded before shipping);
 *   `cancellationRate` = cancelledOrders / orders;
 * - per currency, over the counted vendor orders that are not cancelled: `orders`, `sales` = Σ vendor
 *   order total (the vendor's lines after discounts, with tax, and its shipping share: what the
 *   shoppers paid for the vendor's part, refunds not subtracted), `commission` = Σ commission_total,
 *   `payable` = Σ payable_total, `averageOrderValue` = sales / orders rounded half up (minor units);
 * - `unitsSold` = Σ (quantity − cancelled_quantity) of the vendor's lines of the counted vendor orders
 *   that are not cancelled, `unitsReturned` = Σ returned_quantity of the same lines (received
 *   returns); `returnRate` = unitsReturned / unitsSold;
 * - `averageFulfilmentHours`: over the counted vendor orders with a parcel of the vendor that shipped
 *   (`fulfillments.vendor_id`, `shipped_at`; imported orders have the parcels their source dated),
 *   the mean time from the order's placing to the vendor's first parcel's `shipped_at`, in hours
 *   (one decimal); `shippedOrders` is how many were measured.
 * Rates are fractions from 0 to 1 with four decimals, null when their denominator is 0.
 */
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { fulfillments, orderLineItems, orders, vendorOrders } from "./orders.schema.ts";

/** A date range, UTC: `from` included, `to` excluded; null or absent = unbounded. */
export interface MetricsRange {
  from?: Date | null;
  to?: Date | null;
}

/** A vendor's sales in one currency (minor units of `currency`), cancelled vendor orders left out. */
export interface VendorCurrencySales {
  currency: string;
  /** Vendor orders that are not cancelled. */
  orders: number;
  sales: number;
  commission: number;
  payable: number;
  /** sales / orders, rounded half up to the minor unit. */
  averageOrderValue: number;
}

/** A vendor's order figures (definitions: this file's header). */
export interface VendorOrderFigures {
  vendorId: string;
  /** The vendor's name on its most recent vendor order in the range, or null without orders. */
  vendorName: string | null;
  orders: number;
  cancelledOrders: number;
  cancellationRate: number | null;
  unitsSold: number;
  unitsReturned: number;
  returnRate: number | null;
  shippedOrders: number;
  averageFulfilmentHours: number | null;
  /** Per currency, in currency order. */
  sales: VendorCurrencySales[];
}

/** Statuses of checkouts that were never paid: left out of every vendor figure. */
const unpaidStatuses = ["pending_payment", "payment_failed"];

const rate = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;

/** a / b rounded half up (non-negative integers, b > 0), exact for any safe integers. */
function divideHalfUp(a: number, b: number): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return Number((2n * x + y) / (2n * y));
}

function countedWhere(range: MetricsRange) {
  return sql.join(
    [
      sql`o.status <> all(${sql.param(unpaidStatuses)}::text[])`,
      ...(range.from ? [sql`vo.placed_at >= ${range.from.toISOString()}::timestamptz`] : []),
      ...(range.to ? [sql`vo.placed_at < ${range.to.toISOString()}::timestamptz`] : []),
    ],
    sql` and `,
  );
}

/** A vendor's figures when it sold nothing in the range. */
function emptyFigures(vendorId: string): VendorOrderFigures {
  return {
    vendorId,
    vendorName: null,
    orders: 0,
    cancelledOrders: 0,
    cancellationRate: null,
    unitsSold: 0,
    unitsReturned: 0,
    returnRate: null,
    shippedOrders: 0,
    averageFulfilmentHours: null,
    sales: [],
  };
}

/**
 * The order figures of each of `vendorIds` over `range` (definitions: this file's header); a vendor
 * without vendor orders gets zeros and nulls. One query (the vendor orders by the
 * `vendor_orders_vendor_idx` index; each vendor order's lines and parcels by their order's index).
 */
export async function vendorOrderFigures(
  db: Db,
  vendorIds: string[],
  range: MetricsRange = {},
): Promise<Map<string, VendorOrderFigures>> {
  const ids = [...new Set(vendorIds)];
  const result = new Map(ids.map((id) => [id, emptyFigures(id)]));
  if (!ids.length) return result;
  const rows = await queryRows<{
    vendor_id: string;
    currency: string;
    vendor_name: string;
    last_at: string | Date;
    orders: number;
    cancelled: number;
    sales: string | number;
    commission: string | number;
    payable: string | number;
    units_sold: string | number;
    units_returned: string | number;
    shipped: number;
    ship_seconds: string | number | null;
  }>(
    db,
    sql`select vo.vendor_id, vo.currency,
        (array_agg(vo.vendor_name order by vo.placed_at desc, vo.id desc))[1] as vendor_name,
        max(vo.placed_at) as last_at,
        count(*)::int as orders,
        count(*) filter (where vo.fulfillment_status = 'cancelled')::int as cancelled,
        coalesce(sum(vo.total) filter (where vo.fulfillment_status <> 'cancelled'), 0)::bigint as sales,
        coalesce(sum(vo.commission_total) filter (where vo.fulfillment_status <> 'cancelled'), 0)::bigint as commission,
        coalesce(sum(vo.payable_total) filter (where vo.fulfillment_status <> 'cancelled'), 0)::bigint as payable,
        coalesce(sum(u.sold) filter (where vo.fulfillment_status <> 'cancelled'), 0)::bigint as units_sold,
        coalesce(sum(u.returned) filter (where vo.fulfillment_status <> 'cancelled'), 0)::bigint as units_returned,
        count(s.first_shipped)::int as shipped,
        sum(extract(epoch from s.first_shipped - o.placed_at)) as ship_seconds
      from ${vendorOrders} vo
        join ${orders} o on o.id = vo.order_id
        cross join lateral (select sum(l.quantity - l.cancelled_quantity) as sold, sum(l.returned_quantity) as returned
          from ${orderLineItems} l where l.order_id = vo.order_id and l.vendor_id = vo.vendor_id) u
        cross join lateral (select min(f.shipped_at) as first_shipped
          from ${fulfillments} f where f.order_id = vo.order_id and f.vendor_id = vo.vendor_id) s
      where vo.vendor_id = any(${sql.param(ids)}::text[]) and ${countedWhere(range)}
      group by vo.vendor_id, vo.currency
      order by vo.vendor_id, vo.currency`,
  );
  const seconds = new Map<string, number>();
  const lastAt = new Map<string, number>();
  for (const r of rows) {
    const f = result.get(r.vendor_id)!;
    const at = new Date(r.last_at).getTime();
    if (at >= (lastAt.get(r.vendor_id) ?? Number.NEGATIVE_INFINITY)) {
      f.vendorName = r.vendor_name;
      lastAt.set(r.vendor_id, at);
    }
    f.orders += Number(r.orders);
    f.cancelledOrders += Number(r.cancelled);
    f.unitsSold += Number(r.units_sold);
    f.unitsReturned += Number(r.units_returned);
    f.shippedOrders += Number(r.shipped);
    seconds.set(r.vendor_id, (seconds.get(r.vendor_id) ?? 0) + Number(r.ship_seconds ?? 0));
    const sold = Number(r.orders) - Number(r.cancelled);
    if (sold > 0) {
      const sales = Number(r.sales);
      f.sales.push({
        currency: r.currency,
        orders: sold,
        sales,
        commission: Number(r.commission),
        payable: Number(r.payable),
        averageOrderValue: divideHalfUp(sales, sold),
      });
    }
  }
  for (const f of result.values()) {
    f.cancellationRate = rate(f.cancelledOrders, f.orders);
    f.returnRate = rate(f.unitsReturned, f.unitsSold);
    f.averageFulfilmentHours = f.shippedOrders
      ? Math.round((seconds.get(f.vendorId)! / f.shippedOrders / 3600) * 10) / 10
      : null;
  }
  return result;
}

/** One vendor's figures (see {@link vendorOrderFigures}). */
export async function vendorOrderFiguresOf(
  db: Db,
  vendorId: string,
  range: MetricsRange = {},
): Promise<VendorOrderFigures> {
  return (await vendorOrderFigures(db, [vendorId], range)).get(vendorId)!;
}

/** A row of the vendor ranking. */
export interface VendorRankingRow {
  /** 1 for the top seller. */
  rank: number;
  /** The ranking key: the vendor's sales in the ranking's currency (minor units). */
  salesInCurrency: number;
  figures: VendorOrderFigures;
}

/**
 * The top `limit` vendors by sales in `currency` over `range` (sales as defined in this file's
 * header: Σ total of the counted vendor orders that are not cancelled; ties by vendor id), with their
 * figures. Vendors without such sales are not ranked. Two queries: one aggregate over the range's
 * vendor orders (a few milliseconds for 10,000), then {@link vendorOrderFigures} for the top ones.
 */
export async function vendorSalesRanking(
  db: Db,
  query: MetricsRange & { currency: string; limit: number },
): Promise<VendorRankingRow[]> {
  const top = await queryRows<{ vendor_id: string; sales: string | number }>(
    db,
    sql`select vo.vendor_id, sum(vo.total)::bigint as sales
      from ${vendorOrders} vo join ${orders} o on o.id = vo.order_id
      where vo.currency = ${query.currency} and vo.fulfillment_status <> 'cancelled' and ${countedWhere(query)}
      group by vo.vendor_id
      order by sales desc, vo.vendor_id
      limit ${query.limit}`,
  );
  const figures = await vendorOrderFigures(
    db,
    top.map((r) => r.vendor_id),
    query,
  );
  return top.map((r, i) => ({
    rank: i + 1,
    salesInCurrency: Number(r.sales),
    figures: figures.get(r.vendor_id)!,
  }));
}
