import { Type } from "typebox";

/** The statuses of orders and shipments (values stored in the orders tables and answered by the API). */

/**
 * `payment_failed`: a checkout whose payment attempt failed or was declined (WooCommerce's "Failed":
 * "payment failed or was declined (unpaid)"). Its stock and coupons went back and the shopper may try
 * again; it is not an order the shop took, so lists and figures leave it out unless asked for.
 */
export const orderStatuses = [
  "pending_payment",
  "payment_failed",
  "on_hold",
  "processing",
  "ready_for_pickup",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refunded",
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Statuses of checkouts that never became orders (declined payments): hidden from order lists and figures. */
export const notPlacedStatuses: readonly OrderStatus[] = ["payment_failed"];

export const shipmentStatuses = [
  "pending",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "failed",
  "returned",
  "ready_for_pickup",
  "picked_up",
] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export const paymentStatuses = [
  "pending",
  "requires_action",
  "authorized",
  "paid",
  "partially_refunded",
  "refunded",
  "failed",
  "voided",
] as const;
export type OrderPaymentStatus = (typeof paymentStatuses)[number];

export const fulfillmentStatuses = [
  "unfulfilled",
  "partially_fulfilled",
  "fulfilled",
  "partially_delivered",
  "delivered",
  "not_required",
] as const;
export type FulfillmentStatus = (typeof fulfillmentStatuses)[number];

export const returnStatuses = [
  "requested",
  "approved",
  "rejected",
  "received",
  "refunded",
  "cancelled",
] as const;
export type ReturnStatus = (typeof returnStatuses)[number];

/** A TypeBox schema of one of `values` (`{ type: "string", enum }` in the OpenAPI document). */
export function statusSchema<T extends string>(values: readonly T[], description?: string) {
  return Type.Unsafe<T>({ type: "string", enum: [...values], ...(description ? { description } : {}) });
}
