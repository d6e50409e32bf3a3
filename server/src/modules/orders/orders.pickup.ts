import { eq } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { fulfilReservedStock } from "../inventory/index.ts";
import { fulfillments } from "./orders.schema.ts";
import {
  addFulfilledQuantities,
  addOrderEvent,
  type FulfillmentRow,
  fulfillmentsOfOrder,
  getOrderWithLines,
  lockOrder,
  type OrderActor,
  type OrderRow,
  transitionOrder,
  unitsLeftToShip,
} from "./orders.service.ts";

/** The carrier name a pickup's fulfilment row carries (no parcel, no tracking). */
export const pickupCarrier = "pickup";

/** True when the shopper chose to collect the order (a shipping method of type `pickup`). */
export function isPickupOrder(order: Pick<OrderRow, "shippingMethod">): boolean {
  return order.shippingMethod?.type === "pickup";
}

/**
 * Marks a pickup order ready for collection, in one transaction (the way Shopify's "Mark as ready
 * for pickup" works): every unit still to hand over is set aside in one fulfilment (carrier
 * `pickup`, status `ready_for_pickup`, no tracking), its reserved stock becomes fulfilled stock (on
 * hand and reserved both drop, as when a parcel ships), the order becomes `ready_for_pickup` and
 * `order.ready_for_pickup` goes to the outbox (the shopper's e-mail with the pickup address).
 * @throws NotFoundError ORDER_NOT_FOUND; AppError 409 NOT_A_PICKUP_ORDER (it ships by carrier),
 *   409 ORDER_NOT_READY_FOR_PICKUP (unpaid, cancelled, or already ready / collected).
 */
export async function markReadyForPickup(
  db: Db,
  orderId: string,
  actor: OrderActor,
): Promise<FulfillmentRow> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!isPickupOrder(order))
      throw new AppError(409, "NOT_A_PICKUP_ORDER", "This order ships by carrier; use Ship instead.");
    if (order.status !== "processing")
      throw new AppError(
        409,
        "ORDER_NOT_READY_FOR_PICKUP",
        `An order that is ${order.status.replaceAll("_", " ")} cannot be made ready for pickup.`,
      );
    const { lines } = await getOrderWithLines(tx, orderId);
    const wanted = lines
      .filter((l) => l.requiresShipping && unitsLeftToShip(l) > 0)
      .map((l) => ({ lineId: l.id, variantId: l.variantId, quantity: unitsLeftToShip(l) }));
    if (wanted.length === 0)
      throw new AppError(409, "ORDER_NOT_READY_FOR_PICKUP", "Nothing in this order is left to hand over.");
    await addFulfilledQuantities(tx, wanted);
    for (const w of wanted) await fulfilReservedStock(tx, orderId, w.variantId, w.quantity);
    const [fulfillment] = await tx
      .insert(fulfillments)
      .values({
        id: newId("ful"),
        orderId,
        status: "ready_for_pickup",
        carrier: pickupCarrier,
        trackingNumber: null,
        trackingUrl: null,
        lines: wanted.map(({ lineId, quantity }) => ({ lineId, quantity })),
      })
      .returning();
    await transitionOrder(tx, orderId, ["processing"], {
      status: "ready_for_pickup",
      fulfillmentStatus: "fulfilled",
    });
    const units = wanted.reduce((sum, w) => sum + w.quantity, 0);
    await addOrderEvent(
      tx,
      orderId,
      "order.ready_for_pickup",
      `Ready for pickup at ${order.shippingMethod?.pickupAddress ?? order.shippingMethod?.name ?? "the shop"}`,
      actor,
      {
        fulfillmentId: fulfillment!.id,
        units,
        pickupAddress: order.shippingMethod?.pickupAddress ?? null,
      },
    );
    await enqueue(tx, "order.ready_for_pickup", { orderId, fulfillmentId: fulfillment!.id });
    return fulfillment!;
  });
}

/**
 * Records that the shopper collected a pickup order, in one transaction: its pickup fulfilment
 * becomes `picked_up` (deliveredAt now, UTC), the order `delivered` with fulfilment status
 * `delivered`, and `order.picked_up` goes to the outbox (the shopper's receipt e-mail).
 * @throws NotFoundError ORDER_NOT_FOUND; AppError 409 NOT_A_PICKUP_ORDER, 409 ORDER_NOT_READY_FOR_PICKUP
 *   (the order is not waiting at the pickup point).
 */
export async function markPickedUp(db: Db, orderId: string, actor: OrderActor): Promise<FulfillmentRow> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!isPickupOrder(order))
      throw new AppError(409, "NOT_A_PICKUP_ORDER", "This order ships by carrier; it is not collected.");
    if (order.status !== "ready_for_pickup")
      throw new AppError(
        409,
        "ORDER_NOT_READY_FOR_PICKUP",
        `An order that is ${order.status.replaceAll("_", " ")} is not waiting to be collected.`,
      );
    const waiting = (await fulfillmentsOfOrder(tx, orderId)).find((f) => f.status === "ready_for_pickup");
    if (!waiting)
      throw new AppError(409, "ORDER_NOT_READY_FOR_PICKUP", "This order is not waiting to be collected.");
    const now = new Date();
    const [collected] = await tx
      .update(fulfillments)
      .set({ status: "picked_up", deliveredAt: now, updatedAt: now })
      .where(eq(fulfillments.id, waiting.id))
      .returning();
    await transitionOrder(tx, orderId, ["ready_for_pickup"], {
      status: "delivered",
      fulfillmentStatus: "delivered",
    });
    await addOrderEvent(tx, orderId, "order.picked_up", "Collected by the customer", actor, {
      fulfillmentId: waiting.id,
    });
    await enqueue(tx, "order.picked_up", { orderId, fulfillmentId: waiting.id });
    return collected!;
  });
}
