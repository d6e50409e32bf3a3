import { expireCarts } from "../cart/index.ts";
import { expiredUnpaidOrders, findOrder } from "../orders/index.ts";
import { paymentsOfOrder } from "../payments/index.ts";
import type { CheckoutContext } from "./checkout.context.ts";
import { cancelUnpaidOrder, settlePayment } from "./checkout.service.ts";

/**
 * The reservation expiry job: every unpaid order whose reservation time has passed is first checked
 * with its provider (a payment that did go through is recorded, so nothing captured is ever left
 * without its order); what is still unpaid is cancelled, releasing its stock and coupons. Abandoned
 * carts past their lifetime expire. Returns what it did.
 */
export async function sweepExpired(
  ctx: CheckoutContext,
  now = new Date(),
): Promise<{ settled: number; cancelled: number; cartsExpired: number }> {
  let settled = 0;
  let cancelled = 0;
  for (const orderId of await expiredUnpaidOrders(ctx.db, now, 500)) {
    for (const payment of await paymentsOfOrder(ctx.db, orderId)) {
      if (!payment.reference || !(await ctx.payments.available(ctx.db, payment.provider))) continue;
      try {
        const provider = await ctx.payments.provider(ctx.db, payment.provider);
        const current = await provider.getPayment(payment.reference);
        if (current.status === "captured" || current.status === "authorized") {
          await settlePayment(ctx, orderId, payment.id, current, "system");
          settled++;
        }
      } catch (error) {
        ctx.log.warn({ err: error, orderId }, "could not read an expired order's payment; will retry");
      }
    }
    const order = await findOrder(ctx.db, orderId);
    if (order?.status !== "pending_payment") continue;
    const done = await ctx.db.transaction((tx) =>
      cancelUnpaidOrder(tx, order, "payment not completed in time", "system"),
    );
    if (done) cancelled++;
  }
  const cartsExpired = await expireCarts(ctx.db, now);
  return { settled, cancelled, cartsExpired };
}
