import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { thumbnailUrls } from "../catalog/index.ts";
import { disputesOfOrder, type PaymentRow, paymentsOfOrder, refundsOfOrder } from "../payments/index.ts";
import { downloadLinks } from "./orders.downloads.ts";
import { staffNames } from "./orders.notes.ts";
import {
  type FulfillmentRow,
  fulfillmentsOfOrder,
  getOrderWithLines,
  itemCounts,
  type OrderEventRow,
  type OrderLineRow,
  type OrderRow,
  type ReturnRow,
  returnsOfOrder,
} from "./orders.service.ts";
import { renderOrderEvent, type TimelineAudience } from "./orders.timeline.ts";
import type { AdminOrderDto, AdminOrderSummaryDto, OrderDto, OrderSummaryDto } from "./orders.types.ts";
import { type VendorOrderRow, vendorOrdersOf } from "./orders.vendors.ts";

/** Timeline entries a shopper sees (staff notes and internal steps stay in the admin). */
const publicEvents = new Set([
  "order.placed",
  "payment.captured",
  "payment.authorized",
  "order.payment_failed",
  "order.cancelled",
  "order.shipped",
  "order.ready_for_pickup",
  "order.picked_up",
  "order.edited",
  "order.delivered",
  "order.refunded",
  "return.requested",
  "return.approved",
  "return.rejected",
  "return.received",
]);

/** The stored parts an order's view is made of. */
export interface OrderParts {
  order: OrderRow;
  /** By position. */
  lines: OrderLineRow[];
  /** Oldest first. */
  events: OrderEventRow[];
  /** Newest first. */
  payments: PaymentRow[];
  returns: ReturnRow[];
  /** Thumbnail URL by image id, when the caller has them (else they are looked up). */
  thumbnails?: Map<string, string>;
  /** The order's parcels, when the caller has them (else looked up). */
  fulfillments?: FulfillmentRow[];
  /** A marketplace order's vendor orders, when the caller has them (else looked up when a line has a vendor). */
  vendorOrders?: VendorOrderRow[];
}

/** A parcel as the order views show it, with the vendor who sent it. */
function shipmentDto(f: FulfillmentRow, vendorNames: Map<string, string>) {
  return {
    id: f.id,
    soldBy: f.vendorId ? (vendorNames.get(f.vendorId) ?? null) : null,
    status: f.status,
    carrier: f.carrier,
    trackingNumber: f.trackingNumber,
    trackingUrl: f.trackingUrl,
    lines: f.lines,
    shippedAt: f.shippedAt?.toISOString() ?? null,
    deliveredAt: f.deliveredAt?.toISOString() ?? null,
  };
}

/**
 * The timeline of an order in plain language for `audience` (see orders.timeline.ts), oldest first.
 * Staff entries name staff members; the parcels are read only when an entry needs them.
 */
async function renderTimeline(
  db: Db,
  parts: OrderParts,
  events: OrderEventRow[],
  audience: TimelineAudience,
  disputes?: ReadonlyMap<string, { reason: string }>,
) {
  const { order } = parts;
  const needsParcels = events.some((e) => e.type === "order.shipped" || e.type.startsWith("shipment."));
  const parcels = parts.fulfillments ?? (needsParcels ? await fulfillmentsOfOrder(db, order.id) : []);
  const staffIds = events.filter((e) => e.actor.startsWith("staff:")).map((e) => e.actor.slice(6));
  const names = audience === "staff" && staffIds.length > 0 ? await staffNames(db, staffIds) : undefined;
  const ctx = {
    audience,
    currency: order.currency,
    orderNumber: order.number,
    staffNames: names,
    fulfillments: new Map(parcels.map((f) => [f.id, f])),
    returns: new Map(parts.returns.map((r) => [r.id, r])),
    disputes,
  };
  return events.map((e) => ({ event: e, ...renderOrderEvent(e, ctx) }));
}

/** Reads an order's parts. @throws NotFoundError ORDER_NOT_FOUND */
export async function loadOrderParts(db: Db, orderId: string): Promise<OrderParts> {
  const [{ order, lines, events }, payments, returns] = await Promise.all([
    getOrderWithLines(db, orderId),
    paymentsOfOrder(db, orderId),
    returnsOfOrder(db, orderId),
  ]);
  return { order, lines, events, payments, returns };
}

/**
 * An order with its lines, latest payment and public timeline, as the shopper's API shows it: read by
 * id, or made from parts the caller already holds (the checkout has just written them).
 * @throws NotFoundError ORDER_NOT_FOUND
 */
export async function orderDto(ctx: AppContext, from: string | OrderParts): Promise<OrderDto> {
  const db = ctx.db;
  const parts = typeof from === "string" ? await loadOrderParts(db, from) : from;
  const { order, lines, events, payments, returns: rmas } = parts;
  const imageIds = [...new Set(lines.map((l) => l.imageId).filter((id): id is string => id !== null))];
  const thumbnails =
    parts.thumbnails && imageIds.every((id) => parts.thumbnails!.has(id))
      ? parts.thumbnails
      : await thumbnailUrls(db, imageIds);
  const payment = payments[0] ?? null;
  const marketplace = lines.some((l) => l.vendorId !== null);
  const [downloads, parcels, vendorParts] = await Promise.all([
    downloadLinks(ctx, order, lines),
    parts.fulfillments ?? fulfillmentsOfOrder(db, order.id),
    parts.vendorOrders ?? (marketplace ? vendorOrdersOf(db, order.id) : []),
  ]);
  const vendorNames = new Map(vendorParts.map((v) => [v.vendorId, v.vendorName]));
  const withParcels = { ...parts, fulfillments: parcels };
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    paymentStatus: order.paymentStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    currency: order.currency,
    email: order.email,
    placedAt: order.placedAt.toISOString(),
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    shippingMethod: order.shippingMethod
      ? {
          code: order.shippingMethod.code,
          name: order.shippingMethod.name,
          type: order.shippingMethod.type,
          pickupAddress: order.shippingMethod.pickupAddress ?? null,
        }
      : null,
    lines: lines.map((l) => ({
      id: l.id,
      variantId: l.variantId,
      productId: l.productId,
      sku: l.sku,
      productName: l.productName,
      productSlug: l.productSlug,
      variantTitle: l.variantTitle,
      options: l.options,
      thumbnailUrl: (l.imageId && thumbnails.get(l.imageId)) ?? null,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      subtotal: l.subtotal,
      discount: l.discount,
      tax: l.tax,
      total: l.total,
      isDigital: l.isDigital,
      fulfilledQuantity: l.fulfilledQuantity,
      returnedQuantity: l.returnedQuantity,
      refundedQuantity: l.refundedQuantity,
      cancelledQuantity: l.cancelledQuantity,
      soldBy: l.vendorId ? (vendorNames.get(l.vendorId) ?? null) : null,
    })),
    shipments: parcels.map((f) => shipmentDto(f, vendorNames)),
    vendorOrders: vendorParts.map((v) => ({
      number: v.number,
      soldBy: v.vendorName,
      fulfillmentStatus: v.fulfillmentStatus,
      lineIds: lines.filter((l) => l.vendorId === v.vendorId).map((l) => l.id),
    })),
    promotions: order.promotions,
    couponCodes: order.couponCodes,
    totals: {
      subtotal: order.subtotal,
      discountTotal: order.discountTotal,
      shippingTotal: order.shippingTotal,
      shippingDiscount: order.shippingDiscount,
      shippingTax: order.shippingTax,
      taxTotal: order.taxTotal,
      total: order.total,
      paidTotal: order.paidTotal,
      refundedTotal: order.refundedTotal,
      pricesIncludeTax: order.pricesIncludeTax,
    },
    payment: payment
      ? {
          id: payment.id,
          provider: payment.provider,
          status: payment.status,
          amount: payment.amount,
          capturedAmount: payment.capturedAmount,
          refundedAmount: payment.refundedAmount,
          clientSecret: payment.clientSecret,
          redirectUrl: payment.redirectUrl,
          failureCode: payment.failureCode,
          failureMessage: payment.failureMessage,
        }
      : null,
    downloads,
    returns: rmas.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      lines: r.lines,
      refundAmount: r.refundAmount,
      createdAt: r.createdAt.toISOString(),
    })),
    timeline: (
      await renderTimeline(
        db,
        withParcels,
        events.filter((e) => publicEvents.has(e.type)),
        "shopper",
      )
    ).map(({ event, message }) => ({ type: event.type, message, at: event.createdAt.toISOString() })),
  };
}

/** An order with everything staff need: payments, refunds, disputes, parcels and the full timeline. */
export async function adminOrderDto(ctx: AppContext, orderId: string): Promise<AdminOrderDto> {
  const db = ctx.db;
  const [loaded, refunds, disputes, parcels, vendorParts] = await Promise.all([
    loadOrderParts(db, orderId),
    refundsOfOrder(db, orderId),
    disputesOfOrder(db, orderId),
    fulfillmentsOfOrder(db, orderId),
    vendorOrdersOf(db, orderId),
  ]);
  const parts = { ...loaded, fulfillments: parcels, vendorOrders: vendorParts };
  const vendorNames = new Map(vendorParts.map((v) => [v.vendorId, v.vendorName]));
  const { order, events, payments } = parts;
  const [base, timeline] = await Promise.all([
    orderDto(ctx, parts),
    renderTimeline(db, parts, events, "staff", new Map(disputes.map((d) => [d.reference, d]))),
  ]);
  const { timeline: _public, ...rest } = base;
  return {
    ...rest,
    userId: order.userId,
    ipAddress: order.ipAddress,
    holdReason: order.holdReason,
    tags: order.tags,
    version: order.version,
    payments: payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      reference: p.reference,
      status: p.status,
      amount: p.amount,
      capturedAmount: p.capturedAmount,
      refundedAmount: p.refundedAmount,
      riskScore: p.riskScore,
      failureCode: p.failureCode,
      createdAt: p.createdAt.toISOString(),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      reason: r.reason,
      note: r.note,
      status: r.status,
      actor: r.actor,
      lines: r.lines,
      createdAt: r.createdAt.toISOString(),
    })),
    disputes: disputes.map((d) => ({
      id: d.id,
      reference: d.reference,
      status: d.status,
      reason: d.reason,
      amount: d.amount,
      evidenceDueBy: d.evidenceDueBy?.toISOString() ?? null,
    })),
    fulfillments: parcels.map((f) => shipmentDto(f, vendorNames)),
    vendorFigures: vendorParts.map((v) => ({
      number: v.number,
      vendorId: v.vendorId,
      soldBy: v.vendorName,
      total: v.total,
      commissionTotal: v.commissionTotal,
      payableTotal: v.payableTotal,
    })),
    timeline: timeline.map(({ event: e, message, actorName }) => ({
      type: e.type,
      message,
      actor: e.actor,
      actorName,
      data: e.data,
      at: e.createdAt.toISOString(),
    })),
  };
}

/** Position in an order list, newest first: (placedAt, id) of the last order of the previous page. */
export interface OrderCursor {
  placedAt: Date;
  id: string;
}

/**
 * Reads the `cursor` parameter of an order list (null when absent).
 * @throws ValidationError (field `cursor`) for a cursor this list did not give out
 */
export function decodeOrderCursor(cursor: string | undefined): OrderCursor | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const placedAt = new Date(at ?? "");
  if (!id || Number.isNaN(placedAt.getTime()))
    throw new ValidationError([{ field: "cursor", message: "not a cursor from this list" }]);
  return { placedAt, id };
}

/**
 * One page of an order list from `rows` (read with `limit + 1` rows, newest first): the summaries with
 * their unit counts, and the cursor of the next page (null on the last page).
 */
export async function orderSummaryPage(
  db: Db,
  rows: OrderRow[],
  limit: number,
): Promise<{ items: OrderSummaryDto[]; nextCursor: string | null }> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const counts = await itemCounts(
    db,
    page.map((o) => o.id),
  );
  return {
    items: page.map((o) => ({
      id: o.id,
      number: o.number,
      status: o.status,
      paymentStatus: o.paymentStatus,
      fulfillmentStatus: o.fulfillmentStatus,
      currency: o.currency,
      email: o.email,
      total: o.total,
      itemCount: counts.get(o.id) ?? 0,
      placedAt: o.placedAt.toISOString(),
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.placedAt.toISOString()}|${last.id}`).toString("base64url")
        : null,
  };
}

/** `orderSummaryPage` for staff: each summary also answers the order's tags. */
export async function adminOrderSummaryPage(
  db: Db,
  rows: OrderRow[],
  limit: number,
): Promise<{ items: AdminOrderSummaryDto[]; nextCursor: string | null }> {
  const page = await orderSummaryPage(db, rows, limit);
  const tags = new Map(rows.map((o) => [o.id, o.tags]));
  return { ...page, items: page.items.map((o) => ({ ...o, tags: tags.get(o.id) ?? [] })) };
}
