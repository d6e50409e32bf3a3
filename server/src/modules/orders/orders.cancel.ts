import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { releaseReservations } from "../inventory/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { paymentsOfOrder, recordProviderPayment } from "../payments/index.ts";
import { releaseCoupons } from "../pricing/index.ts";
import { syncOrderLedger } from "./orders.ledger.ts";
import { refundOrder } from "./orders.refunds.ts";
import {
  addOrderEvent,
  findOrder,
  lockOrder,
  type OrderActor,
  type OrderRow,
  transitionOrder,
} from "./orders.service.ts";
import { refreshVendorOrderStatuses } from "./orders.vendors.ts";

/**
 * Cancels an order that has not shipped: in one transaction the order becomes `cancelled`, its stock
 * reservations and coupon uses are released and `order.cancelled` (e-mail) is queued; after commit an
 * authorized payment is voided and a captured one refunded in full (idempotently, by order id).
 * @throws AppError 409 ORDER_NOT_CANCELLABLE once anything shipped (use a return instead).
 */
export async function cancelOrder(
  ctx: PaymentsContext,
  orderId: string,
  input: { actor: OrderActor; reason: string },
): Promise<OrderRow> {
  const cancelled = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    const cancellable =
      ["pending_payment", "on_hold", "processing"].includes(order.status) &&
      ["unfulfilled", "not_required"].includes(order.fulfillmentStatus);
    if (!cancellable) {
      throw new AppError(
        409,
        "ORDER_NOT_CANCELLABLE",
        `An order that is ${order.status.replaceAll("_", " ")} cannot be cancelled${order.fulfillmentStatus !== "unfulfilled" ? "; request a return instead" : ""}.`,
      );
    }
    const updated = await transitionOrder(tx, orderId, [order.status], {
      status: "cancelled",
      cancelledAt: new Date(),
      reservationExpiresAt: null,
    });
    const released = await releaseReservations(tx, orderId);
    await releaseCoupons(tx, orderId);
    await refreshVendorOrderStatuses(tx, orderId);
    await addOrderEvent(tx, orderId, "order.cancelled", `Order cancelled: ${input.reason}`, input.actor, {
      reason: input.reason,
      unitsReleased: released,
    });
    await enqueue(tx, "order.cancelled", { orderId });
    return updated!;
  });
  for (const payment of await paymentsOfOrder(ctx.db, orderId)) {
    const provider = await ctx.payments.provider(ctx.db, payment.provider);
    if (payment.status === "authorized" && payment.reference) {
      const voided = await provider.void(payment.reference, `void_${payment.id}`);
      await ctx.db.transaction(async (tx) => {
        await recordProviderPayment(tx, payment.id, voided);
        await transitionOrder(tx, orderId, ["cancelled"], { paymentStatus: "voided" });
        await addOrderEvent(tx, orderId, "payment.voided", "Authorization voided", input.actor, {
          paymentId: payment.id,
        });
      });
    } else if (["captured", "partially_refunded"].includes(payment.status)) {
      const left = payment.capturedAmount - payment.refundedAmount;
      if (left > 0) {
        await refundOrder(ctx, orderId, {
          amount: left,
          reason: "requested_by_customer",
          note: "Order cancelled",
          actor: input.actor,
          requestKey: `cancel_${orderId}`,
        });
      }
    }
  }
  return (await findOrder(ctx.db, orderId)) ?? cancelled;
}

/**
 * Releases an order held for review: captures its authorized payment in full (idempotently, keyed by
 * the payment id) and moves it to `processing`.
 * @throws AppError 409 ORDER_NOT_HELD when the order is not on hold, 502 CAPTURE_FAILED when the provider refuses.
 */
export async function approveHeldOrder(
  ctx: PaymentsContext,
  orderId: string,
  actor: OrderActor,
): Promise<void> {
  const order = await findOrder(ctx.db, orderId);
  if (order?.status !== "on_hold")
    throw new AppError(409, "ORDER_NOT_HELD", "Only an order on hold can be approved.");
  const payment = (await paymentsOfOrder(ctx.db, orderId)).find((p) =>
    ["authorized", "captured"].includes(p.status),
  );
  let captured = payment?.status === "captured" ? payment.capturedAmount : 0;
  if (payment?.status === "authorized" && payment.reference) {
    try {
      const result = await (await ctx.payments.provider(ctx.db, payment.provider)).capture(
        payment.reference,
        payment.authorizedAmount,
        `capture_${payment.id}`,
      );
      await ctx.db.transaction((tx) => recordProviderPayment(tx, payment.id, result));
      captured = result.capturedAmount;
    } catch (error) {
      throw new AppError(
        502,
        "CAPTURE_FAILED",
        `The payment provider refused the capture: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  await ctx.db.transaction(async (tx) => {
    const updated = await transitionOrder(tx, orderId, ["on_hold"], {
      status: "processing",
      holdReason: null,
      ...(captured ? { paymentStatus: "paid" as const, paidTotal: captured } : {}),
    });
    if (!updated) return;
    if (captured) await syncOrderLedger(tx, orderId);
    await addOrderEvent(tx, orderId, "order.approved", "Released after review", actor, { captured });
    if (captured && payment?.status === "authorized")
      await enqueue(tx, "order.paid", { orderId, amount: captured });
  });
}
