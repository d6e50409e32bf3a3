/**
 * Historical orders (imported from another system, e.g. Olist) and the order reads of analytics and
 * recommendations. Historical orders are written straight into the order tables in a final state:
 * no stock reservation, no payment record, no outbox event (so no e-mail). Marketplace orders get
 * their vendor orders; orders whose goods left get their parcels (when the source says when).
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { PostalAddress } from "../../platform/address.ts";
import { type Db, queryRows } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import { insertRows, insertValues, runSql } from "../../platform/statements.ts";
import {
  type CommissionRuleSnapshot,
  type FulfillmentStatus,
  fulfillments,
  type OrderPaymentStatus,
  type OrderStatus,
  orderEvents,
  orderLineItems,
  orderNumberSequence,
  orders,
  vendorOrders,
} from "./orders.schema.ts";
import { splitByVendor } from "./orders.vendors.ts";

/** Statuses of an order whose goods were bought (paid, not cancelled or wholly refunded). */
const boughtStatuses: OrderStatus[] = [
  "processing",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
];

/** A line of a historical order. Amounts in minor units of the order currency. */
export interface HistoricalOrderLine {
  productId: string;
  variantId: string;
  sku: string;
  productName: string;
  productSlug: string;
  quantity: number;
  unitPrice: number;
  weightGrams: number | null;
  /** The marketplace vendor who sold it (vendors module id), or null / absent for the shop's own line. */
  vendorId?: string | null;
  /** The platform's commission on the line (minor units; 0 when absent), as the caller computed it. */
  commissionAmount?: number;
  /** The commission rule applied (a snapshot), or null / absent for the shop's own lines. */
  commissionRule?: CommissionRuleSnapshot | null;
}

/** When an historical order's goods left and arrived (UTC), for its parcels. */
export interface HistoricalShipment {
  /** Handed to the carrier. */
  shippedAt: Date;
  /** Delivered to the customer, or null when the source does not say. */
  deliveredAt: Date | null;
  /** The carrier as the parcels name it, e.g. "Olist". */
  carrier: string;
}

/** An order from another system. Amounts in minor units of `currency`; times UTC. */
export interface HistoricalOrder {
  /** Where it comes from, e.g. "olist": with `externalId`, the natural key (re-imports skip it). */
  source: string;
  externalId: string;
  status: Extract<OrderStatus, "completed" | "delivered" | "cancelled" | "refunded">;
  paymentStatus: OrderPaymentStatus;
  fulfillmentStatus: FulfillmentStatus;
  currency: string;
  email: string;
  userId?: string | null;
  shippingAddress: PostalAddress | null;
  pricesIncludeTax: boolean;
  shippingTotal: number;
  /**
   * The source's own shipping charge per vendor (vendor id -> minor units), when it knows it (Olist
   * charges freight per item, so per seller): each vendor order's shipping share is then exactly this.
   * Absent: the order's shipping is shared as for live orders (`splitByVendor`: by shipped subtotal,
   * largest remainder). The values should add up to `shippingTotal` when every line has a vendor.
   */
  shippingByVendor?: Record<string, number>;
  /**
   * When the goods left (and arrived): the order then gets one parcel per sender (each vendor, and the
   * shop for its own lines) holding every unit that ships, `delivered` when `deliveredAt` is set, else
   * `shipped`. Ignored for cancelled orders. Absent: no parcels.
   */
  shipment?: HistoricalShipment | null;
  placedAt: Date;
  /** The order's last change in the source (delivery, ...); `placedAt` when unknown. */
  updatedAt?: Date;
  lines: HistoricalOrderLine[];
  /** Kept on the order's timeline entry ("order.imported"), e.g. the source's own status. */
  note?: Record<string, unknown>;
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The order id of a historical order: `ord_` + a ULID whose time part is the purchase time and whose
 * 80 "random" bits are the first 80 bits of SHA-256("<source>:<externalId>"). Deterministic (the
 * natural key of re-imports), sortable by purchase time like every id.
 */
export function historicalOrderId(source: string, externalId: string, placedAt: Date): string {
  let time = "";
  let t = Math.max(0, Math.floor(placedAt.getTime()));
  for (let i = 0; i < 10; i++) {
    time = crockford[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const digest = createHash("sha256").update(`${source}:${externalId}`).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let random = "";
  for (let i = 0; i < 16; i++) {
    random = crockford[Number(bits & 31n)]! + random;
    bits >>= 5n;
  }
  return `ord_${time}${random}`;
}

/** What {@link importHistoricalOrders} wrote. */
export interface HistoricalImportResult {
  created: number;
  existing: number;
  /** Vendor orders created (one per vendor of each created order). */
  vendorOrders: number;
  /** Parcels created (one per sender of each created order with a `shipment`). */
  parcels: number;
}

/**
 * Writes historical orders with their lines, one timeline entry each ("order.imported"), the vendor
 * orders of marketplace orders (one per vendor of the lines, as `splitByVendor` makes them at
 * checkout: numbered "<order number>-<n>", the lines' figures and commissions, the shipping share
 * from `shippingByVendor` when given; fulfilment status `cancelled` for a cancelled order, else the
 * order's, or `not_required` when none of the vendor's lines ship) and the parcels of orders with a
 * `shipment`: a few statements per call, all in one transaction. Vendor names are `vendorNames`'
 * (the vendor id when missing). Orders already there (same source and external id, see
 * {@link historicalOrderId}) are skipped with everything of theirs, so a re-run writes nothing twice;
 * vendor orders are also unique per (order, vendor). Numbers come from the order number sequence like
 * every order. Nothing else happens: no stock is reserved, no payment recorded, no event published.
 * Lines' `fulfilledQuantity` is their quantity for a `delivered` or `fulfilled` order.
 * @returns how many orders were created and already existed, and the vendor orders and parcels created.
 */
export async function importHistoricalOrders(
  db: Db,
  input: HistoricalOrder[],
  options: { vendorNames?: ReadonlyMap<string, string> } = {},
): Promise<HistoricalImportResult> {
  if (input.length === 0) return { created: 0, existing: 0, vendorOrders: 0, parcels: 0 };
  const withIds = input.map((o) => ({ o, id: historicalOrderId(o.source, o.externalId, o.placedAt) }));
  return db.transaction(async (tx) => {
    const found = new Set(
      (
        await queryRows<{ id: string }>(
          tx,
          sql`select id from ${orders} where id = any(${sql.param(withIds.map((w) => w.id))}::text[])`,
        )
      ).map((r) => r.id),
    );
    const seen = new Set<string>();
    const todo = withIds.filter((w) => !found.has(w.id) && !seen.has(w.id) && seen.add(w.id));
    if (todo.length === 0) return { created: 0, existing: input.length, vendorOrders: 0, parcels: 0 };
    const orderRows = todo.map(({ o, id }) => {
      const subtotal = o.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
      const total = subtotal + o.shippingTotal;
      const paid = o.paymentStatus === "paid" ? total : 0;
      return {
        id,
        status: o.status,
        paymentStatus: o.paymentStatus,
        fulfillmentStatus: o.fulfillmentStatus,
        currency: o.currency,
        email: o.email,
        userId: o.userId ?? null,
        cartId: null,
        shippingAddress: o.shippingAddress,
        billingAddress: null,
        shippingMethod: null,
        pricesIncludeTax: o.pricesIncludeTax,
        subtotal,
        discountTotal: 0,
        shippingTotal: o.shippingTotal,
        shippingDiscount: 0,
        shippingTax: 0,
        taxTotal: 0,
        total,
        paidTotal: paid,
        refundedTotal: o.paymentStatus === "refunded" ? total : 0,
        couponCodes: [],
        promotions: [],
        ipAddress: null,
        holdReason: null,
        reservationExpiresAt: null,
        placedAt: o.placedAt,
        cancelledAt: o.status === "cancelled" ? (o.updatedAt ?? o.placedAt) : null,
        updatedAt: o.updatedAt ?? o.placedAt,
      };
    });
    // Batches of 500 orders keep each statement's parameters well under PostgreSQL's 65,535.
    const numbers = new Map<string, string>();
    for (let i = 0; i < orderRows.length; i += 500) {
      const batch = orderRows.slice(i, i + 500);
      const { text, params } = insertValues(orders, batch, {
        expressions: { number: `nextval('${orderNumberSequence.seqName}')::text` },
      });
      const inserted = await runSql<{ id: string; number: string }>(
        tx,
        `${text} on conflict do nothing returning id, number`,
        params,
      );
      for (const r of inserted) numbers.set(r.id, r.number);
    }
    const lineRows = todo.flatMap(({ o, id }) =>
      o.lines.map((l, position) => ({
        id: newId("oli"),
        orderId: id,
        position,
        variantId: l.variantId,
        productId: l.productId,
        sku: l.sku,
        productName: l.productName,
        variantTitle: l.productName,
        options: {},
        productSlug: l.productSlug,
        imageId: null,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        subtotal: l.unitPrice * l.quantity,
        discount: 0,
        tax: 0,
        total: l.unitPrice * l.quantity,
        taxes: [],
        discounts: [],
        taxClass: "standard",
        weightGrams: l.weightGrams,
        requiresShipping: true,
        isDigital: false,
        fulfilledQuantity:
          o.fulfillmentStatus === "delivered" || o.fulfillmentStatus === "fulfilled" ? l.quantity : 0,
        returnedQuantity: 0,
        vendorId: l.vendorId ?? null,
        commissionAmount: l.vendorId ? (l.commissionAmount ?? 0) : 0,
        commissionRule: l.vendorId ? (l.commissionRule ?? null) : null,
      })),
    );
    for (let i = 0; i < lineRows.length; i += 1000)
      await insertRows(tx, orderLineItems, lineRows.slice(i, i + 1000));

    // Vendor orders: as checkout splits them, with the source's own shipping per vendor when known.
    const linesByOrder = new Map<string, typeof lineRows>();
    for (const l of lineRows) {
      const list = linesByOrder.get(l.orderId) ?? [];
      list.push(l);
      linesByOrder.set(l.orderId, list);
    }
    const names = new Map(options.vendorNames ?? []);
    const vendorOrderRows = todo.flatMap(({ o, id }, k) => {
      const number = numbers.get(id);
      const lines = linesByOrder.get(id) ?? [];
      if (number === undefined || !lines.some((l) => l.vendorId)) return [];
      const row = orderRows[k]!;
      return splitByVendor({ ...row, number }, lines, names).map((v) => {
        const shipping = o.shippingByVendor?.[v.vendorId];
        const moved =
          shipping === undefined
            ? v
            : {
                ...v,
                shippingTotal: shipping,
                total: v.total - v.shippingTotal + shipping,
                payableTotal: v.total - v.shippingTotal + shipping - v.commissionTotal,
              };
        return {
          ...moved,
          fulfillmentStatus:
            o.status === "cancelled"
              ? "cancelled"
              : moved.fulfillmentStatus === "not_required"
                ? "not_required"
                : o.fulfillmentStatus,
        };
      });
    });
    let vendorOrderCount = 0;
    for (let i = 0; i < vendorOrderRows.length; i += 1000) {
      const { text, params } = insertValues(vendorOrders, vendorOrderRows.slice(i, i + 1000));
      const inserted = await runSql<{ id: string }>(
        tx,
        `${text} on conflict (order_id, vendor_id) do nothing returning id`,
        params,
      );
      vendorOrderCount += inserted.length;
    }

    // Parcels: one per sender of each order whose goods left.
    const parcelRows = todo.flatMap(({ o, id }) => {
      if (!o.shipment || o.status === "cancelled" || !numbers.has(id)) return [];
      const { shippedAt, deliveredAt, carrier } = o.shipment;
      const bySender = new Map<string, { lineId: string; quantity: number }[]>();
      for (const l of linesByOrder.get(id) ?? []) {
        if (!l.requiresShipping || l.fulfilledQuantity === 0) continue;
        const list = bySender.get(l.vendorId ?? "") ?? [];
        list.push({ lineId: l.id, quantity: l.fulfilledQuantity });
        bySender.set(l.vendorId ?? "", list);
      }
      return [...bySender].map(([sender, lines]) => ({
        id: newId("ful"),
        orderId: id,
        status:
          deliveredAt || o.fulfillmentStatus === "delivered" ? ("delivered" as const) : ("shipped" as const),
        carrier,
        trackingNumber: null,
        trackingUrl: null,
        lines,
        vendorId: sender || null,
        shippedAt,
        deliveredAt,
        createdAt: shippedAt,
        updatedAt: deliveredAt ?? shippedAt,
      }));
    });
    for (let i = 0; i < parcelRows.length; i += 1000)
      await insertRows(tx, fulfillments, parcelRows.slice(i, i + 1000));
    const eventRows = todo.map(({ o, id }) => ({
      id: newId("oev"),
      orderId: id,
      type: "order.imported",
      message: `Order imported from ${o.source} (${o.externalId})`,
      actor: "system",
      data: { source: o.source, externalId: o.externalId, ...(o.note ?? {}) },
      createdAt: o.placedAt,
    }));
    for (let i = 0; i < eventRows.length; i += 1000)
      await insertRows(tx, orderEvents, eventRows.slice(i, i + 1000));
    return {
      created: todo.length,
      existing: input.length - todo.length,
      vendorOrders: vendorOrderCount,
      parcels: parcelRows.length,
    };
  });
}

/** One bought product: order, buyer key, product and time (ms since the epoch). */
export interface PurchaseRow {
  orderId: string;
  /** The account id when placed signed in, else `email:<lower-cased e-mail>`. */
  customerId: string;
  productId: string;
  at: number;
}

/**
 * Every bought product (one row per order line of an order in a bought status: processing, shipped,
 * delivered, completed, ...), placed at or after `since` when given, oldest first. For training
 * recommendations and for analytics. One query.
 */
export async function purchasedProducts(db: Db, options: { since?: Date } = {}): Promise<PurchaseRow[]> {
  const rows = await queryRows<{ order_id: string; customer: string; product_id: string; at: string | Date }>(
    db,
    sql`select o.id as order_id, coalesce(o.user_id, 'email:' || lower(o.email)) as customer,
        l.product_id, o.placed_at as at
      from ${orders} o join ${orderLineItems} l on l.order_id = o.id
      where o.status = any(${sql.param(boughtStatuses)}::text[])
        ${options.since ? sql`and o.placed_at >= ${options.since.toISOString()}::timestamptz` : sql``}
      order by o.placed_at, o.id, l.position`,
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    customerId: r.customer,
    productId: r.product_id,
    at: new Date(r.at).getTime(),
  }));
}

/**
 * The distinct products an account bought (orders placed signed in, in a bought status), most
 * recently bought last, at most `limit` (the latest ones). One query.
 */
export async function productsBoughtBy(db: Db, userId: string, limit = 50): Promise<string[]> {
  const rows = await queryRows<{ product_id: string }>(
    db,
    sql`select product_id from (
        select l.product_id, max(o.placed_at) as last_at from ${orders} o
          join ${orderLineItems} l on l.order_id = o.id
        where o.user_id = ${userId} and o.status = any(${sql.param(boughtStatuses)}::text[])
        group by l.product_id order by last_at desc limit ${limit}
      ) x order by last_at`,
  );
  return rows.map((r) => r.product_id);
}
