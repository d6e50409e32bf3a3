import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError, type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { releaseReservedUnits, restockUnits } from "../inventory/index.ts";
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
import { allocateByLargestRemainder } from "../pricing/index.ts";
import { orderEvents, orderLineItems } from "./orders.schema.ts";
import {
  addOrderEvent,
  findOrder,
  type OrderActor,
  type OrderLineRow,
  type OrderRow,
  transitionOrder,
} from "./orders.service.ts";

export const refundReasons = ["requested_by_customer", "duplicate", "fraudulent", "other"] as const;

/**
 * One line of a per-item refund: `quantity` whole units of the order line `lineId`, and whether they
 * go back to stock (`restock`).
 */
export interface RefundLineInput {
  lineId: string;
  quantity: number;
  restock: boolean;
}

/**
 * The minor units each unit of a line is worth: the line total (after its discount, with its tax —
 * what the customer paid for the line) split over its units by largest remainder (DESIGN.md §5,
 * pricing's allocateByLargestRemainder). Units are refunded in order, so refunding every unit, in
 * however many refunds, gives back exactly the line total; the first units take the larger shares.
 */
export function unitShares(line: Pick<OrderLineRow, "total" | "quantity">): number[] {
  return allocateByLargestRemainder(
    line.total,
    Array.from({ length: line.quantity }, () => 1),
  );
}

/**
 * The shipping the customer paid (shipping price minus its discount, with its tax when prices exclude
 * tax), minor units of the order currency.
 */
export function shippingCharged(order: OrderRow): number {
  return order.shippingTotal - order.shippingDiscount + (order.pricesIncludeTax ? 0 : order.shippingTax);
}

/** Shipping already given back by succeeded refunds (their `order.refunded` timeline entries). */
async function shippingRefunded(db: Db, orderId: string): Promise<number> {
  const rows = await db
    .select({ data: orderEvents.data })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.type, "order.refunded")));
  return rows.reduce((sum, r) => {
    const shipping = r.data.shipping;
    return sum + (typeof shipping === "number" ? shipping : 0);
  }, 0);
}

/**
 * What a per-item refund is worth, checked against the order as it stands (call it with the order's
 * refunds serialised, i.e. under the captured payment's lock): each line's next `quantity` unit shares
 * (see `unitShares`) plus `shipping`.
 * @returns the amount in minor units of the order currency
 * @throws ValidationError naming `lines[i].lineId` (not a line of the order, or given twice),
 *   `lines[i].quantity` (not between 1 and quantity − refundedQuantity) or `shipping` (negative, or
 *   more than the shipping paid minus shipping already refunded).
 */
export async function priceRefundLines(
  db: Db,
  order: OrderRow,
  lines: RefundLineInput[],
  shipping: number,
): Promise<number> {
  const rows = lines.length
    ? await db
        .select()
        .from(orderLineItems)
        .where(
          and(
            eq(orderLineItems.orderId, order.id),
            inArray(
              orderLineItems.id,
              lines.map((l) => l.lineId),
            ),
          ),
        )
    : [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  let amount = 0;
  lines.forEach((l, i) => {
    const line = rows.find((r) => r.id === l.lineId);
    if (!line) {
      errors.push({ field: `lines[${i}].lineId`, message: "not a line of this order" });
      return;
    }
    if (seen.has(l.lineId)) {
      errors.push({ field: `lines[${i}].lineId`, message: "given twice; send one entry per line" });
      return;
    }
    seen.add(l.lineId);
    const left = line.quantity - line.refundedQuantity;
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > left) {
      errors.push({
        field: `lines[${i}].quantity`,
        message: left === 0 ? "every unit of this line is already refunded" : `between 1 and ${left}`,
      });
      return;
    }
    amount += unitShares(line)
      .slice(line.refundedQuantity, line.refundedQuantity + l.quantity)
      .reduce((s, x) => s + x, 0);
  });
  if (shipping !== 0) {
    const left = shippingCharged(order) - (await shippingRefunded(db, order.id));
    if (!Number.isSafeInteger(shipping) || shipping < 0 || shipping > left) {
      errors.push({
        field: "shipping",
        message: `a whole number of minor units between 0 and ${Math.max(left, 0)} (the shipping not yet refunded)`,
      });
    }
  }
  if (errors.length) throw new ValidationError(errors);
  return amount + shipping;
}

/**
 * Counts units as refunded on their lines (`refunded_quantity`), in the caller's transaction, each with
 * a conditional update that never takes a line above its quantity (`sign` -1 gives them back when the
 * provider refused the refund).
 * @throws ValidationError naming `lines[i].quantity` when a concurrent refund took the units first.
 */
async function addRefundedQuantities(tx: Db, lines: RefundLineInput[], sign: 1 | -1): Promise<void> {
  for (const [i, l] of lines.entries()) {
    const delta = sign * l.quantity;
    const updated = await tx
      .update(orderLineItems)
      .set({ refundedQuantity: sql`${orderLineItems.refundedQuantity} + ${delta}` })
      .where(
        and(
          eq(orderLineItems.id, l.lineId),
          sql`${orderLineItems.refundedQuantity} + ${delta} between 0 and ${orderLineItems.quantity}`,
        ),
      )
      .returning({ id: orderLineItems.id });
    if (updated.length === 0 && sign === 1) {
      throw new ValidationError([
        { field: `lines[${i}].quantity`, message: "more units than are left to refund on this line" },
      ]);
    }
  }
}

/**
 * Puts the units of a succeeded per-item refund marked `restock` back in stock, in the caller's
 * transaction: units not shipped yet (at most quantity − fulfilledQuantity) release the order's
 * reservation; shipped units are added back on hand with a ledger entry (reason `restock`, see
 * inventory's restockUnits). Digital lines hold no stock. Returns what happened per line.
 */
async function restockRefundedUnits(
  tx: Db,
  orderId: string,
  lines: RefundLineInput[],
): Promise<{ lineId: string; released: number; restocked: number }[]> {
  const wanted = lines.filter((l) => l.restock && l.quantity > 0);
  if (wanted.length === 0) return [];
  const rows = await tx
    .select()
    .from(orderLineItems)
    .where(
      inArray(
        orderLineItems.id,
        wanted.map((l) => l.lineId),
      ),
    );
  const done: { lineId: string; released: number; restocked: number }[] = [];
  for (const l of wanted) {
    const line = rows.find((r) => r.id === l.lineId);
    if (!line || line.isDigital) continue;
    const unshipped = Math.min(l.quantity, Math.max(line.quantity - line.fulfilledQuantity, 0));
    const released = await releaseReservedUnits(tx, orderId, line.variantId, unshipped);
    const shipped = l.quantity - unshipped;
    if (shipped > 0) await restockUnits(tx, orderId, line.variantId, shipped);
    done.push({ lineId: l.lineId, released, restocked: shipped });
  }
  return done;
}

/**
 * Applies a succeeded refund to its order in the caller's transaction: paid and refunded totals,
 * payment status `partially_refunded` / `refunded`, status `refunded` once everything paid is back,
 * the restock of a per-item refund's lines marked `restock` (see `refund.lines`), a timeline entry and
 * the `order.refunded` event (refund e-mail). Called by our own refunds and by the provider's webhook
 * when a pending refund settles.
 * @param details.shipping the shipping part of the amount (minor units), kept on the timeline entry so
 *   later refunds know how much shipping is left to refund.
 */
export async function applyRefundToOrder(
  tx: Db,
  refund: RefundRow,
  actor: OrderActor,
  details: { shipping?: number } = {},
): Promise<void> {
  const order = await findOrder(tx, refund.orderId);
  if (!order) return;
  const refundedTotal = order.refundedTotal + refund.amount;
  const paidTotal = Math.max(order.paidTotal - refund.amount, 0);
  const full = paidTotal === 0;
  await transitionOrder(tx, order.id, [order.status], {
    refundedTotal,
    paidTotal,
    paymentStatus: full ? "refunded" : "partially_refunded",
    // A cancelled order (or declined checkout) stays so; any other order whose money all went back is refunded.
    ...(full && order.status !== "cancelled" && order.status !== "payment_failed"
      ? { status: "refunded" as const }
      : {}),
  });
  const restocked = await restockRefundedUnits(tx, order.id, refund.lines);
  await addOrderEvent(tx, order.id, "order.refunded", `Refunded ${refund.amount} (${refund.reason})`, actor, {
    refundId: refund.id,
    amount: refund.amount,
    reason: refund.reason,
    ...(refund.lines.length ? { lines: refund.lines, restocked } : {}),
    ...(details.shipping ? { shipping: details.shipping } : {}),
  });
  await enqueue(tx, "order.refunded", { orderId: order.id, refundId: refund.id });
}

/** What to refund: an amount, or order lines (with a restock choice each) and shipping, or both. */
export interface RefundInput {
  /**
   * Minor units of the order currency. Optional with `lines` or `shipping` (then it is their worth,
   * and when given must not exceed it); required otherwise.
   */
  amount?: number;
  /** Per-item refund: units of order lines and whether they go back to stock. */
  lines?: RefundLineInput[];
  /** Shipping to give back, minor units (at most what was paid for shipping and not refunded yet). */
  shipping?: number;
  reason: RefundReason;
  note?: string;
  actor: OrderActor;
  /** The caller's idempotency key: the same key on the same order returns the first refund. */
  requestKey: string | null;
}

/**
 * Refunds an order's captured payment through its provider, idempotently: the same `requestKey` on the
 * same order returns the first refund (and changes nothing more). The amount is reserved against what
 * was captured before the provider is called (never more than captured, even concurrently); the
 * provider's idempotency key is our refund id, so a retry never refunds twice.
 *
 * A per-item refund (`lines`, optional `shipping`) is worth each line's next unit shares (the line
 * total after discount, with tax, split over its units by largest remainder, so refunding every unit
 * gives back exactly the line total) plus the shipping; an explicit `amount` may be less (never
 * more). Its units count as refunded (`refundedQuantity`) and the refund record keeps its lines in the
 * transaction that records the refund; units marked `restock` go back to stock only once the provider
 * confirms (see `applyRefundToOrder`). A refusal by the provider gives the units back to the lines,
 * so nothing but the failed refund record remains.
 * @throws ValidationError (amount, reason, lines[i].lineId, lines[i].quantity, shipping),
 *   NotFoundError ORDER_NOT_FOUND, AppError 422 NOTHING_TO_REFUND / REFUND_EXCEEDS_CAPTURED,
 *   502 REFUND_FAILED when the provider refuses, 503 REFUND_PENDING when its answer is unknown.
 */
export async function refundOrder(
  ctx: PaymentsContext,
  orderId: string,
  input: RefundInput,
): Promise<RefundRow> {
  const lines = input.lines ?? [];
  const shipping = input.shipping ?? 0;
  const perItem = lines.length > 0 || shipping > 0;
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) {
    throw new ValidationError([
      { field: "amount", message: "must be a whole number of minor units above 0" },
    ]);
  }
  if (input.amount === undefined && !perItem) {
    throw new ValidationError([
      { field: "amount", message: "give an amount, or the lines and shipping to refund" },
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
    // The captured payment's lock serialises the order's refunds: the units priced here are still free.
    const payment = await lockCapturedPayment(tx, orderId);
    if (!payment) throw new AppError(422, "NOTHING_TO_REFUND", "This order has no captured payment.");
    let amount = input.amount ?? 0;
    if (perItem) {
      const worth = await priceRefundLines(tx, order, lines, shipping);
      if (input.amount !== undefined && input.amount > worth) {
        throw new ValidationError([
          { field: "amount", message: `at most ${worth} (what the lines and shipping refunded are worth)` },
        ]);
      }
      amount = input.amount ?? worth;
      if (amount <= 0) {
        throw new ValidationError([{ field: "amount", message: "the lines refunded are worth nothing" }]);
      }
    }
    const refund = await startRefund(tx, payment, {
      amount,
      reason: input.reason,
      note: input.note ?? "",
      actor: input.actor,
      requestKey: input.requestKey,
      lines,
    });
    if (lines.length) await addRefundedQuantities(tx, lines, 1);
    return { refund: { ...refund, lines }, payment };
  });
  const provider = await ctx.payments.provider(ctx.db, started.payment.provider);
  try {
    const result = await provider.refund(
      started.payment.reference!,
      started.refund.amount,
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
          { shipping },
        );
      return done ?? started.refund;
    });
  } catch (error) {
    if (error instanceof ProviderError && !error.retryable) {
      await ctx.db.transaction(async (tx) => {
        const failed = await finishRefund(tx, started.refund.id, {
          status: "failed",
          reference: null,
          failureMessage: error.message,
        });
        // The units were counted as refunded with the refund: give them back to their lines.
        if (failed && lines.length) await addRefundedQuantities(tx, lines, -1);
      });
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
