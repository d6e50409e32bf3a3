import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { PostalAddress } from "../../platform/address.ts";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor } from "../../platform/keyset.ts";
import { fulfillments, orderLineItems, orders, vendorOrders } from "./orders.schema.ts";
import type { FulfillmentRow, OrderLineRow, OrderRow } from "./orders.service.ts";

export type VendorOrderRow = typeof vendorOrders.$inferSelect;

/**
 * Splits `total` into parts proportional to `weights` (non-negative integers), rounding down and
 * giving the remaining minor units to the largest remainders (ties: earlier first), so the parts always
 * sum to `total`. All weights 0: equal weights. The method of DESIGN.md's "discounts split by largest
 * remainder" (Hamilton's method).
 */
export function allocateLargestRemainder(total: number, weights: number[]): number[] {
  if (weights.length === 0) return [];
  const w = weights.some((x) => x > 0) ? weights.map((x) => BigInt(Math.max(0, x))) : weights.map(() => 1n);
  const sum = w.reduce((a, b) => a + b, 0n);
  const t = BigInt(total);
  const base = w.map((x) => (t * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (t * x) % sum }));
  let left = t - base.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    base[i]! += 1n;
    left -= 1n;
  }
  return base.map(Number);
}

/** A vendor order before it is stored. Amounts in minor units of the order currency. */
export type NewVendorOrder = Omit<VendorOrderRow, "updatedAt">;

/**
 * The vendor orders of a placed order: one per vendor of its lines, numbered "<order number>-1", "-2"
 * ... in the order the vendors first appear. The order's shipping charge (after shipping discounts,
 * with its tax when prices exclude tax) is shared between the vendors and the shop's own lines in
 * proportion to the subtotals of the lines that ship (largest remainder), so the vendor orders and the
 * shop's part add up to the order total. Lines without a vendor stay the shop's. Pure.
 */
export function splitByVendor(
  order: Pick<
    OrderRow,
    | "id"
    | "number"
    | "currency"
    | "placedAt"
    | "shippingTotal"
    | "shippingDiscount"
    | "shippingTax"
    | "pricesIncludeTax"
  >,
  lines: Pick<
    OrderLineRow,
    "vendorId" | "subtotal" | "discount" | "tax" | "total" | "requiresShipping" | "commissionAmount"
  >[],
  vendorNames: Map<string, string>,
): NewVendorOrder[] {
  const vendorIds = [...new Set(lines.flatMap((l) => (l.vendorId ? [l.vendorId] : [])))];
  if (!vendorIds.length) return [];
  // Shipping shares: the vendors in order, then the shop (key "").
  const keys = [...vendorIds, ""];
  const shippedSubtotal = (key: string) =>
    lines
      .filter((l) => (l.vendorId ?? "") === key && l.requiresShipping)
      .reduce((sum, l) => sum + l.subtotal, 0);
  const weights = keys.map(shippedSubtotal);
  const charge =
    order.shippingTotal - order.shippingDiscount + (order.pricesIncludeTax ? 0 : order.shippingTax);
  const noShipping = weights.every((w) => w === 0);
  const shipping = noShipping ? keys.map(() => 0) : allocateLargestRemainder(charge, weights);
  const shippingTax = noShipping ? keys.map(() => 0) : allocateLargestRemainder(order.shippingTax, weights);
  return vendorIds.map((vendorId, i) => {
    const own = lines.filter((l) => l.vendorId === vendorId);
    const sum = (pick: (l: (typeof own)[number]) => number) => own.reduce((s, l) => s + pick(l), 0);
    const total = sum((l) => l.total) + shipping[i]!;
    const commissionTotal = sum((l) => l.commissionAmount);
    const ships = own.some((l) => l.requiresShipping);
    return {
      id: newId("vor"),
      orderId: order.id,
      vendorId,
      vendorName: vendorNames.get(vendorId) ?? vendorId,
      number: `${order.number}-${i + 1}`,
      fulfillmentStatus: ships ? "unfulfilled" : "not_required",
      currency: order.currency,
      subtotal: sum((l) => l.subtotal),
      discountTotal: sum((l) => l.discount),
      taxTotal: sum((l) => l.tax) + shippingTax[i]!,
      shippingTotal: shipping[i]!,
      total,
      commissionTotal,
      payableTotal: total - commissionTotal,
      placedAt: order.placedAt,
    };
  });
}

/** Stores vendor orders (in the caller's transaction, the order's own). */
export async function insertVendorOrders(tx: Db, rows: NewVendorOrder[]): Promise<VendorOrderRow[]> {
  if (!rows.length) return [];
  return tx.insert(vendorOrders).values(rows).returning();
}

/**
 * Brings the fulfilment status of an order's vendor orders in line with their lines and parcels (after
 * a shipment, a delivery, a refund of unshipped units, a cancellation): `cancelled` when the order is
 * cancelled or every unit that ships was cancelled; `delivered` when everything left shipped and every
 * parcel of the vendor arrived; `fulfilled`, `partially_fulfilled`, `unfulfilled`; `not_required` when
 * nothing ships. One statement; does nothing for an order without vendors.
 */
export async function refreshVendorOrderStatuses(tx: Db, orderId: string): Promise<void> {
  await tx.execute(sql`update ${vendorOrders} vo set fulfillment_status = s.status, updated_at = now()
    from (
      select l.vendor_id,
        case
          when bool_or(o.status = 'cancelled') then 'cancelled'
          when not bool_or(l.requires_shipping) then 'not_required'
          when sum(l.quantity - l.cancelled_quantity) filter (where l.requires_shipping) = 0 then 'cancelled'
          when sum(l.quantity - l.cancelled_quantity - l.fulfilled_quantity) filter (where l.requires_shipping) <= 0 then
            case when not exists (select 1 from ${fulfillments} f where f.order_id = ${orderId}
                and f.vendor_id = l.vendor_id and f.status not in ('delivered', 'picked_up'))
              then 'delivered' else 'fulfilled' end
          when sum(l.fulfilled_quantity) filter (where l.requires_shipping) > 0 then 'partially_fulfilled'
          else 'unfulfilled'
        end as status
      from ${orderLineItems} l join ${orders} o on o.id = l.order_id
      where l.order_id = ${orderId} and l.vendor_id is not null
      group by l.vendor_id
    ) s
    where vo.order_id = ${orderId} and vo.vendor_id = s.vendor_id and vo.fulfillment_status is distinct from s.status`);
}

/** The vendor orders of an order, in number order (for the shopper's and staff's order views). */
export async function vendorOrdersOf(db: Db, orderId: string): Promise<VendorOrderRow[]> {
  return db
    .select()
    .from(vendorOrders)
    .where(eq(vendorOrders.orderId, orderId))
    .orderBy(asc(vendorOrders.number));
}

/** Parent order statuses in which a vendor has something to do or to see (paid, not a failed checkout). */
const vendorVisibleStatuses = [
  "processing",
  "on_hold",
  "ready_for_pickup",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refunded",
] as const;

/** Parent statuses in which the vendor ships. */
const shippableStatuses = ["processing", "partially_shipped"];

/** One row of a vendor's order list. Amounts in minor units of `currency`; times ISO 8601 UTC. */
export interface VendorOrderSummary {
  id: string;
  number: string;
  orderStatus: string;
  fulfillmentStatus: string;
  /** The vendor may ship it now (the order is paid and not on hold, and something is left to ship). */
  toShip: boolean;
  /** The recipient's name and place (city, country): the address itself is on the vendor order's page. */
  shipTo: string | null;
  itemCount: number;
  currency: string;
  total: number;
  commissionTotal: number;
  payableTotal: number;
  placedAt: string;
}

/**
 * A vendor's orders, newest first, keyset-paged; `to_ship` keeps those it may ship now. Only orders
 * that were paid (not pending or failed checkouts) are listed.
 * @throws ValidationError (field `cursor`) for a cursor this API did not return
 */
export async function listVendorOrders(
  db: Db,
  vendorId: string,
  query: { filter?: "to_ship" | "all"; limit: number; cursor?: string },
): Promise<{ items: VendorOrderSummary[]; nextCursor: string | null; total: number }> {
  const where = [
    sql`vo.vendor_id = ${vendorId}`,
    sql`o.status = any(${sql.param([...vendorVisibleStatuses])}::text[])`,
  ];
  if (query.filter === "to_ship") {
    where.push(sql`o.status = any(${sql.param(shippableStatuses)}::text[])`);
    where.push(sql`vo.fulfillment_status in ('unfulfilled', 'partially_fulfilled')`);
  }
  const counted = sql.join(where, sql` and `);
  const paged = [...where];
  if (query.cursor) {
    const [key, id] = decodeKeysetCursor(query.cursor);
    paged.push(sql`(vo.placed_at, vo.id) < (${key}::timestamptz, ${id})`);
  }
  const [rows, count] = await Promise.all([
    queryRows<{
      id: string;
      number: string;
      order_status: string;
      fulfillment_status: string;
      ship_to: PostalAddress | null;
      item_count: number;
      currency: string;
      total: string | number;
      commission_total: string | number;
      payable_total: string | number;
      placed_at: string;
    }>(
      db,
      sql`select vo.id, vo.number, o.status as order_status, vo.fulfillment_status, o.shipping_address as ship_to,
          (select coalesce(sum(l.quantity), 0)::int from ${orderLineItems} l
            where l.order_id = vo.order_id and l.vendor_id = vo.vendor_id) as item_count,
          vo.currency, vo.total, vo.commission_total, vo.payable_total,
          to_char(vo.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as placed_at
        from ${vendorOrders} vo join ${orders} o on o.id = vo.order_id
        where ${sql.join(paged, sql` and `)}
        order by vo.placed_at desc, vo.id desc
        limit ${query.limit + 1}`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${vendorOrders} vo join ${orders} o on o.id = vo.order_id where ${counted}`,
    ),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      orderStatus: r.order_status,
      fulfillmentStatus: r.fulfillment_status,
      toShip:
        shippableStatuses.includes(r.order_status) &&
        ["unfulfilled", "partially_fulfilled"].includes(r.fulfillment_status),
      shipTo: r.ship_to
        ? `${r.ship_to.firstName} ${r.ship_to.lastName}, ${r.ship_to.city}, ${r.ship_to.country}`.trim()
        : null,
      itemCount: Number(r.item_count),
      currency: r.currency,
      total: Number(r.total),
      commissionTotal: Number(r.commission_total),
      payableTotal: Number(r.payable_total),
      placedAt: r.placed_at,
    })),
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last.placed_at, last.id) : null,
    total: Number(count[0]?.n ?? 0),
  };
}

/** A vendor order as its vendor sees it: its lines and parcels, where to ship, no payment details. */
export interface VendorOrderDetail {
  vendorOrder: VendorOrderRow;
  order: Pick<OrderRow, "id" | "number" | "status" | "shippingAddress" | "shippingMethod" | "placedAt">;
  lines: OrderLineRow[];
  fulfillments: FulfillmentRow[];
}

/**
 * One of the vendor's orders: the vendor order, its lines, its parcels and the shipping address and
 * method (what the vendor needs to ship); nothing of other vendors' lines or of the payment.
 * @throws NotFoundError (VENDOR_ORDER_NOT_FOUND) also for another vendor's order or an unpaid one
 */
export async function getVendorOrder(
  db: Db,
  vendorId: string,
  vendorOrderId: string,
): Promise<VendorOrderDetail> {
  const [row] = await db
    .select({ vendorOrder: vendorOrders, order: orders })
    .from(vendorOrders)
    .innerJoin(orders, eq(orders.id, vendorOrders.orderId))
    .where(
      and(
        eq(vendorOrders.id, vendorOrderId),
        eq(vendorOrders.vendorId, vendorId),
        inArray(orders.status, [...vendorVisibleStatuses]),
      ),
    );
  if (!row) throw new NotFoundError("VENDOR_ORDER_NOT_FOUND", "No such order");
  const [lines, parcels] = await Promise.all([
    db
      .select()
      .from(orderLineItems)
      .where(and(eq(orderLineItems.orderId, row.order.id), eq(orderLineItems.vendorId, vendorId)))
      .orderBy(asc(orderLineItems.position)),
    db
      .select()
      .from(fulfillments)
      .where(and(eq(fulfillments.orderId, row.order.id), eq(fulfillments.vendorId, vendorId)))
      .orderBy(desc(fulfillments.createdAt)),
  ]);
  const { id, number, status, shippingAddress, shippingMethod, placedAt } = row.order;
  return {
    vendorOrder: row.vendorOrder,
    order: { id, number, status, shippingAddress, shippingMethod, placedAt },
    lines,
    fulfillments: parcels,
  };
}
