import { Type } from "typebox";

/** The statuses of orders and shipments (values stored in the orders tables and answered by the API). */

export const orderStatuses = [
  "pending_payment",
  "on_hold",
  "processing",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refunded",
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const shipmentStatuses = [
  "pending",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "failed",
  "returned",
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
