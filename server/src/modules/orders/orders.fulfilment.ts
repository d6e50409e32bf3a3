import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../../platform/context.ts";
import { AppError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { fulfilReservedStock } from "../inventory/index.ts";
import { isPickupOrder } from "./orders.pickup.ts";
import {
  addFulfilledQuantities,
  addOrderEvent,
  advanceShipment,
  type FulfillmentRow,
  fulfillmentsOfOrder,
  getOrderWithLines,
  insertFulfillment,
  lockOrder,
  type OrderActor,
  transitionOrder,
  unitsLeftToShip,
} from "./orders.service.ts";
import { type ShipmentStatus, shipmentStatuses } from "./orders.statuses.ts";
import { refreshVendorOrderStatuses } from "./orders.vendors.ts";

/** Tracking page URL templates of common carriers ({n} = tracking number). */
const trackingTemplates: Record<string, string> = {
  ups: "https://www.ups.com/track?tracknum={n}",
  usps: "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
  fedex: "https://www.fedex.com/fedextrack/?trknbr={n}",
  dhl: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={n}",
};

/** The carrier's public tracking URL for a number, or null for a carrier we have no template for. */
export function trackingUrlFor(carrier: string, trackingNumber: string | null): string | null {
  const template = trackingTemplates[carrier.toLowerCase()];
  return template && trackingNumber ? template.replace("{n}", encodeURIComponent(trackingNumber)) : null;
}

/** What to ship: lines and units (default: everything not yet shipped), carrier and tracking. */
export interface FulfilInput {
  lines?: { lineId: string; quantity: number }[];
  carrier: string;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  actor: OrderActor;
  /**
   * Ship as this marketplace vendor: only its lines may be named, and "everything" means everything
   * of its own left to ship. Staff (no vendor) may ship any line.
   */
  vendorId?: string;
}

/**
 * Ships an order, wholly or partly, in one transaction: the order is locked; each line's units must
 * not exceed what is left to ship; the reserved stock becomes shipped stock (on hand and reserved both
 * drop); the order becomes `partially_shipped` or `shipped`; `order.shipped` (e-mail with tracking)
 * goes to the outbox. A parcel whose lines are all one vendor's is that vendor's (the shopper sees
 * who sent it), and the vendor orders' fulfilment statuses follow.
 * @throws ValidationError (lines, carrier), AppError 409 ORDER_NOT_SHIPPABLE for an unpaid, cancelled
 *   or already shipped order, 409 PICKUP_ORDER for an order the customer collects (see orders.pickup.ts).
 */
export async function fulfilOrder(
  ctx: AppContext,
  orderId: string,
  input: FulfilInput,
): Promise<FulfillmentRow> {
  const carrier = input.carrier.trim();
  if (!carrier || carrier.length > 40)
    throw new ValidationError([{ field: "carrier", message: "name the carrier, e.g. ups" }]);
  return ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (isPickupOrder(order))
      throw new AppError(
        409,
        "PICKUP_ORDER",
        "The customer collects this order: mark it ready for pickup instead of shipping it.",
      );
    if (!["processing", "partially_shipped"].includes(order.status)) {
      throw new AppError(
        409,
        "ORDER_NOT_SHIPPABLE",
        `An order that is ${order.status.replace("_", " ")} cannot be shipped.`,
      );
    }
    const { lines } = await getOrderWithLines(tx, orderId);
    const shipping = lines.filter((l) => l.requiresShipping);
    const open = new Map(
      shipping
        .filter((l) => input.vendorId === undefined || l.vendorId === input.vendorId)
        .map((l) => [l.id, l]),
    );
    const wanted =
      input.lines ??
      [...open.values()]
        .filter((l) => unitsLeftToShip(l) > 0)
        .map((l) => ({ lineId: l.id, quantity: unitsLeftToShip(l) }));
    if (wanted.length === 0)
      throw new AppError(
        409,
        "ORDER_NOT_SHIPPABLE",
        input.vendorId
          ? "Everything of yours in this order has shipped."
          : "Everything in this order has shipped.",
      );
    wanted.forEach((w, i) => {
      const line = open.get(w.lineId);
      if (!line)
        throw new ValidationError([
          { field: `lines[${i}].lineId`, message: "not a line of this order that ships" },
        ]);
      const left = unitsLeftToShip(line);
      if (!Number.isSafeInteger(w.quantity) || w.quantity < 1 || w.quantity > left) {
        throw new ValidationError([
          {
            field: `lines[${i}].quantity`,
            message: left === 0 ? "nothing left to ship on this line" : `between 1 and ${left}`,
          },
        ]);
      }
    });
    await addFulfilledQuantities(tx, wanted);
    for (const w of wanted) await fulfilReservedStock(tx, orderId, open.get(w.lineId)!.variantId, w.quantity);
    const trackingNumber = input.trackingNumber?.trim() || null;
    const senders = new Set(wanted.map((w) => open.get(w.lineId)!.vendorId));
    const fulfillment = await insertFulfillment(tx, {
      orderId,
      vendorId: senders.size === 1 ? [...senders][0]! : null,
      carrier,
      trackingNumber,
      trackingUrl: input.trackingUrl?.trim() || trackingUrlFor(carrier, trackingNumber),
      lines: wanted,
    });
    const shippedAll = shipping.every(
      (l) => unitsLeftToShip(l) - (wanted.find((w) => w.lineId === l.id)?.quantity ?? 0) <= 0,
    );
    await transitionOrder(tx, orderId, ["processing", "partially_shipped"], {
      status: shippedAll ? "shipped" : "partially_shipped",
      fulfillmentStatus: shippedAll ? "fulfilled" : "partially_fulfilled",
    });
    await addOrderEvent(
      tx,
      orderId,
      "order.shipped",
      `${shippedAll ? "Shipped" : "Partly shipped"} with ${carrier}${trackingNumber ? ` (${trackingNumber})` : ""}`,
      input.actor,
      {
        fulfillmentId: fulfillment.id,
        lines: wanted,
        ...(input.vendorId ? { vendorId: input.vendorId } : {}),
      },
    );
    if (lines.some((l) => l.vendorId !== null)) await refreshVendorOrderStatuses(tx, orderId);
    await enqueue(tx, "order.shipped", { orderId, fulfillmentId: fulfillment.id });
    return fulfillment;
  });
}

/** A carrier's status update for one tracking number. */
export interface ShipmentUpdate {
  carrier: string;
  trackingNumber: string;
  status: ShipmentStatus;
  occurredAt: Date;
}

/**
 * Applies a carrier's status update: the shipment moves forward only; when every parcel of a shipped
 * order is delivered, the order becomes `delivered` and `order.delivered` goes to the outbox.
 * Returns false for an unknown tracking number or a stale update.
 */
export async function applyShipmentUpdate(ctx: AppContext, update: ShipmentUpdate): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const shipment = await advanceShipment(
      tx,
      update.carrier,
      update.trackingNumber,
      update.status,
      update.occurredAt,
    );
    if (!shipment) return false;
    await lockOrder(tx, shipment.orderId);
    await addOrderEvent(
      tx,
      shipment.orderId,
      `shipment.${update.status}`,
      `Parcel ${update.trackingNumber}: ${update.status.replaceAll("_", " ")}`,
      `carrier:${update.carrier}`,
      {
        fulfillmentId: shipment.id,
      },
    );
    if (update.status === "delivered") {
      const all = await fulfillmentsOfOrder(tx, shipment.orderId);
      if (all.every((f) => f.status === "delivered")) {
        const delivered = await transitionOrder(tx, shipment.orderId, ["shipped"], {
          status: "delivered",
          fulfillmentStatus: "delivered",
        });
        if (delivered) {
          await addOrderEvent(
            tx,
            shipment.orderId,
            "order.delivered",
            "Delivered",
            `carrier:${update.carrier}`,
          );
          await enqueue(tx, "order.delivered", { orderId: shipment.orderId });
        }
      } else {
        await transitionOrder(tx, shipment.orderId, ["shipped", "partially_shipped"], {
          fulfillmentStatus: "partially_delivered",
        });
      }
      if (shipment.vendorId) await refreshVendorOrderStatuses(tx, shipment.orderId);
    }
    return true;
  });
}

/**
 * Verifies a shipment webhook signed like Stripe's scheme: header `x-bazaar-signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the shared secret>`, at most 5 minutes
 * old. Returns the parsed update.
 * @throws AppError 400 WEBHOOK_SIGNATURE_INVALID, ValidationError for a malformed body.
 */
export function verifyShipmentWebhook(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  now = Date.now(),
): ShipmentUpdate {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  const given = Buffer.from(parts.v1 ?? "", "hex");
  const expected = createHmac("sha256", secret).update(`${parts.t}.`).update(rawBody).digest();
  if (
    !Number.isFinite(timestamp) ||
    Math.abs(now / 1000 - timestamp) > 300 ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new AppError(400, "WEBHOOK_SIGNATURE_INVALID", "The shipment update's signature is not valid.");
  }
  let body: { carrier?: unknown; trackingNumber?: unknown; status?: unknown; occurredAt?: unknown };
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw new ValidationError([{ field: "body", message: "must be JSON" }]);
  }
  if (typeof body.carrier !== "string" || typeof body.trackingNumber !== "string") {
    throw new ValidationError([
      { field: "trackingNumber", message: "carrier and trackingNumber are required" },
    ]);
  }
  if (typeof body.status !== "string" || !(shipmentStatuses as readonly string[]).includes(body.status)) {
    throw new ValidationError([
      { field: "status", message: `must be one of ${shipmentStatuses.join(", ")}` },
    ]);
  }
  const occurredAt = typeof body.occurredAt === "string" ? new Date(body.occurredAt) : new Date(now);
  if (Number.isNaN(occurredAt.getTime()))
    throw new ValidationError([{ field: "occurredAt", message: "must be an ISO 8601 time" }]);
  return {
    carrier: body.carrier,
    trackingNumber: body.trackingNumber,
    status: body.status as ShipmentStatus,
    occurredAt,
  };
}
