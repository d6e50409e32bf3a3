import type { Db } from "../../platform/db.ts";
import { AppError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import type { PaymentsContext } from "../payments/index.ts";
import {
  findRefundByRequestKey,
  finishRefund,
  lockCapturedPayment,
  ProviderError,
  type RefundReason,
  type RefundRow,
  startRefund,
} from "../payments/index.ts";
import { addOrderEvent, findOrder, type OrderActor, transitionOrder } from "./orders.service.ts";

export const refundReasons = ["requested_by_customer", "duplicate", "fraudulent", "other"] as const;

/**
 * Applies a succeeded refund to its order in the caller's transaction: paid and refunded totals,
 * payment status `partially_refunded` / `refunded`, status `refunded` once everything paid is back,
 * a timeline entry and the `order.refunded` event (refund e-mail).
 */
export async function applyRefundToOrder(tx: Db, refund: RefundRow, actor: OrderActor): Promise<void> {
  const order = await findOrder(tx, refund.orderId);
  if (!order) return;
  const refundedTotal = order.refundedTotal + refund.amount;
  const paidTotal = Math.max(order.paidTotal - refund.amount, 0);
  const full = paidTotal === 0;
  await transitionOrder(tx, order.id, [order.status], {
    refundedTotal,
    paidTotal,
    paymentStatus: full ? "refunded" : "partially_refunded",
    // A cancelled order stays cancelled; any other order whose money all went back is refunded.
    ...(full && order.status !== "cancelled" ? { status: "refunded" as const } : {}),
  });
  await addOrderEvent(tx, order.id, "order.refunded", `Refunded ${refund.amount} (${refund.reason})`, actor, {
    refundId: refund.id,
    amount: refund.amount,
    reason: refund.reason,
  });
  await enqueue(tx, "order.refunded", { orderId: order.id, refundId: refund.id });
}

/**
 * Refunds `amount` minor units of an order's captured payment through its provider, idempotently:
 * the same `requestKey` on the same order returns the first refund. The amount is reserved against
 * what was captured before the provider is called (never more than captured, even concurrently); the
 * provider's idempotency key is our refund id, so a retry never refunds twice.
 * @throws ValidationError (amount, reason), NotFoundError ORDER_NOT_FOUND, AppError 422
 *   NOTHING_TO_REFUND / REFUND_EXCEEDS_CAPTURED, 502 REFUND_FAILED when the provider refuses.
 */
export async function refundOrder(
  ctx: PaymentsContext,
  orderId: string,
  input: {
    amount: number;
    reason: RefundReason;
    note?: string;
    actor: OrderActor;
    requestKey: string | null;
  },
): Promise<RefundRow> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new ValidationError([
      { field: "amount", message: "must be a whole number of minor units above 0" },
    ]);
  }
  if (!(refundReasons as readonly string[]).includes(input.reason)) {
    throw new ValidationError([{ field: "reason", message: `must be one of ${refundReasons.join(", ")}` }]);
  }
  if (input.requestKey) {
    const earlier = await findRefundByRequestKey(ctx.db, orderId, input.requestKey);
    if (earlier) return earlier;
  }
  const order = await findOrder(ctx.db, orderId);
  if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  const started = await ctx.db.transaction(async (tx) => {
    const payment = await lockCapturedPayment(tx, orderId);
    if (!payment) throw new AppError(422, "NOTHING_TO_REFUND", "This order has no captured payment.");
    const refund = await startRefund(tx, payment, {
      amount: input.amount,
      reason: input.reason,
      note: input.note ?? "",
      actor: input.actor,
      requestKey: input.requestKey,
    });
    return { refund, payment };
  });
  const provider = await ctx.payments.provider(ctx.db, started.payment.provider);
  try {
    const result = await provider.refund(
      started.payment.reference!,
      input.amount,
      input.reason,
      started.refund.id,
    );
    if (result.status === "failed")
      throw new ProviderError("refund_failed", "The provider refused the refund.");
    return await ctx.db.transaction(async (tx) => {
      const done = await finishRefund(tx, started.refund.id, {
        status: result.status === "pending" ? "succeeded" : result.status,
        reference: result.reference,
      });
      if (done)
        await applyRefundToOrder(
          tx,
          { ...done, status: "succeeded", reference: result.reference },
          input.actor,
        );
      return done ?? started.refund;
    });
  } catch (error) {
    if (error instanceof ProviderError && !error.retryable) {
      await ctx.db.transaction((tx) =>
        finishRefund(tx, started.refund.id, {
          status: "failed",
          reference: null,
          failureMessage: error.message,
        }),
      );
      throw new AppError(502, "REFUND_FAILED", `The payment provider refused the refund: ${error.message}`);
    }
    // Outcome unknown (timeout, 5xx): the refund stays pending; the provider's webhook settles it.
    throw new AppError(
      503,
      "REFUND_PENDING",
      "The payment provider did not answer; the refund is pending and will settle by webhook.",
    );
  }
}
